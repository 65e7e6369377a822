//! Chinese forensics: the five seeds, generated inserter damage
//! (`support/generator.rs`), clean text that must stay as it is, and the
//! simplified conversion option.

#[path = "support/generator.rs"]
mod generator;

use std::fmt::Write as _;
use std::path::Path;

use generator::{generate, seed};
use unbake::{apply_changes, repair, Change, Family, Finding, Options};

/// Repairs as `unbake repair` does, the engine first, and checks the
/// contract every caller relies on: sorted, non-overlapping spans whose
/// chains replay.
fn repaired(text: &str, options: &Options) -> (String, Vec<Change>, Vec<Finding>) {
    let unbake::Repair {
        text: output,
        changes,
        findings,
    } = repair(text, options);
    let mut end = 0;
    for change in &changes {
        assert!(change.span.start >= end, "overlap at {:?}", change.span);
        end = change.span.end;
        assert_eq!(change.before, text[change.span.clone()]);
        assert_eq!(
            change.chain.apply(&change.before).as_ref(),
            Some(&change.after),
            "replay of {:?}",
            change.before
        );
        assert!((0.0..=1.0).contains(&change.confidence));
    }
    assert_eq!(apply_changes(text, &changes), output);
    (output, changes, findings)
}

fn render(output: &str, changes: &[Change], findings: &[Finding]) -> String {
    let mut s = String::from("## output\n");
    s += output;
    s += "\n\n## findings\n";
    for f in findings {
        writeln!(s, "- {:?} {:?}: {}", f.family, f.span, f.detail).unwrap();
    }
    s += "\n## changes\n";
    for c in changes {
        writeln!(
            s,
            "- {:?} {:?} {:?} -> {:?}\n  chain: {}\n  evidence: {} (confidence {:.2})",
            c.family, c.span, c.before, c.after, c.chain, c.evidence, c.confidence
        )
        .unwrap();
    }
    s
}

fn snapshot(name: &str, content: &str) {
    insta::with_settings!({snapshot_path => "../snapshots/chinese", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, content);
    });
}

#[test]
fn seeds_are_repaired_exactly() {
    for n in 0..5 {
        let input = seed(&format!("00{n}.in.txt"));
        let (output, changes, findings) = repaired(&input, &Options::default());
        assert_eq!(output, seed(&format!("00{n}.out.txt")), "seed 00{n}");
        snapshot(
            &format!("seed-00{n}"),
            &render(&output, &changes, &findings),
        );
    }
}

#[test]
fn seed_split_sites_are_restored() {
    let cases = [
        (
            "002",
            "運(yùn)輸?shù)拳h(huán)節(jié)",
            "運輸等環節",
            "等環",
        ),
        ("003", "不獲全勝?zèng)Q不輕言", "不獲全勝決不輕言", "決"),
    ];
    for (n, damaged, clean, restored) in cases {
        let input = seed(&format!("{n}.in.txt"));
        assert!(input.contains(damaged));
        let (output, changes, findings) = repaired(&input, &Options::default());
        assert!(output.contains(clean), "{n}");
        assert!(!output.contains('?'), "{n}");
        let split: Vec<&Change> = changes
            .iter()
            .filter(|c| c.family == Family::SplitCharacters)
            .collect();
        assert_eq!(split.len(), 1, "{n}");
        assert!(
            split[0].evidence.contains(restored),
            "{}",
            split[0].evidence
        );
        let summary = &findings
            .iter()
            .find(|f| f.family == Family::PinyinReadings)
            .unwrap()
            .detail;
        assert!(
            summary.contains("1 character split by the inserter, restored"),
            "{summary}"
        );
    }
}

#[test]
fn seed_findings_name_the_family_and_evidence() {
    let findings = |n: &str| repair(&seed(&format!("{n}.in.txt")), &Options::default()).findings;
    assert!(findings("001").is_empty());
    let f000 = findings("000");
    assert_eq!(f000.len(), 1);
    assert_eq!(f000[0].family, Family::MachineConvertedTraditional);
    assert!(f000[0]
        .detail
        .contains("干部 where traditional text has 幹部"));
    for (n, readings) in [("002", 389), ("003", 237), ("004", 153)] {
        let f = findings(n);
        let families: Vec<Family> = f.iter().map(|f| f.family).collect();
        assert_eq!(
            families,
            [Family::PinyinReadings, Family::MachineConvertedTraditional],
            "{n}"
        );
        let expected = format!("pinyin readings inserted after {readings} characters");
        assert!(f[0].detail.starts_with(&expected), "{n}: {}", f[0].detail);
    }
}

#[test]
fn zh_to_simplified_converts_machine_made_text_only() {
    let options = Options::default().zh_to_simplified(true);
    let (output, changes, findings) = repaired(&seed("000.in.txt"), &options);
    assert_eq!(output, seed("000.simplified.txt"));
    assert!(changes
        .iter()
        .all(|c| c.family == Family::MachineConvertedTraditional));
    snapshot("seed-000-simplified", &render(&output, &changes, &findings));

    let clean = seed("001.in.txt");
    assert_eq!(repaired(&clean, &options).0, clean);
    for text in CLEAN {
        assert_eq!(&repaired(text, &options).0, text);
    }

    // Readings, split sites and conversion compose on a line.
    let (output, ..) = repaired(&seed("002.in.txt"), &options);
    assert!(output.contains("运输等环节"));
    assert!(!output.contains("(huì)"));
}

/// Clean text, simplified and traditional, with brackets that are text.
const CLEAN: &[&str] = &[
    "北京(Beijing)是中国的首都。医院(Hospital)今天照常开放，急诊(Emergency)二十四小时服务。",
    "我(wǒ)们(men)是(shì)学(xué)生(sheng)。",
    "你(nǐ) 好(hǎo)！我(wǒ) 叫(jiào) 小(xiǎo) 明(míng)，我(wǒ) 是(shì) 中(zhōng) 国(guó) 人(rén)。",
    "这个字在这里读重(chóng)，不读重(zhòng)。",
    // A primer quoted in an article: the article's own characters must not
    // make the primer's readings look like an inserter's.
    "老师在黑板上写了一句话，让大家跟着读，然后解释每个字的意思，同学们都听得很认真，\
     下课以后还在讨论这句话到底是什么意思，有人说这是课本上的例句，也有人说是老师自己编的。\n\
     我(wǒ)们(men)是(shì)学(xué)生(sheng)，我(wǒ)们(men)爱(ài)学(xué)习(xí)。\n\
     这样的课文在小学一年级的语文课本里很常见，孩子们先学拼音，再学汉字，慢慢就能读懂整篇文章了。\n",
    "臺北市政府今天宣布，明年起將擴大公共運輸補助。市長表示，這項政策的目的是減輕通勤族的負擔，\
     並鼓勵民眾多搭乘捷運與公車。醫院(Hospital)門口也將增設停車位。公司的幹部後來都到了會議室裡，\
     大家把桌面擦得乾乾淨淨。她剛剪了頭髮，看起來很有精神。",
    "香港特別行政區政府今日公布，區(市)議會選舉將於下月舉行，選民須於投票日前完成登記。\
     (注)以上資料僅供參考，詳情請瀏覽政府網站。颱風過後，市民應留意天文台發出的最新消息。",
    "你好吗?我很好(真的)。今天的会议(第三次)在北京召开，会议由市长主持。",
    // Taiwanese text with transliterated names (干達 for Ganda, 里薩), where
    // OpenCC's phrase tables would write 幹 and 裏.
    "本系統支援多種語言的介面，包括干達語、阿布哈茲語、亞齊語、阿爾巴尼亞語、阿拉伯語、亞美尼亞語、\
     孟加拉語、保加利亞語與緬甸語。使用者只要在設定頁面選擇語言，系統就會立刻切換顯示。若您只是想\
     暫時試用，也可以在登入畫面直接選擇。我們的團隊來自臺北、臺中與高雄，長期關注東非的語言資源，\
     曾經與烏干達、肯亞、坦尚尼亞及莫三比克的學者合作，整理里薩地區的詞彙資料，並將這些資料開放給\
     研究者下載。這個專案的經費來自國家科學及技術委員會，每年都會舉辦研討會，邀請各國專家分享經驗，\
     討論如何讓少數語言在數位時代繼續傳承。歡迎對語言學有興趣的朋友們參加，報名請洽服務處，辦公時間\
     為週一至週五。會議資料與錄影檔案將於結束後上傳到網站，供無法親臨現場的會員觀看。圖書館也收藏了\
     許多關於非洲歷史與文化的書籍，讀者可以憑借書證免費借閱，歸還時請放進櫃檯旁邊的還書箱。",
    // Japanese keeps 尽 where traditional Chinese writes 盡.
    "東京の長い夏が終わり、図書館の開館時間が変わりました。電車で通う学生は、駅の門が開く時間に\
     気をつけてください。先生の話では、期末試験に全力を尽くした人ほど、次の学期の準備に時間を\
     かけるそうです。力を尽くして働いた一年でした。議論は尽きませんが、時間になりましたので、\
     今日はここで終わります。無尽蔵の資源はありません。",
    "The meeting (in English) has no Chinese at all? (none)",
];

#[test]
fn clean_text_is_left_alone() {
    for text in CLEAN {
        let (output, changes, findings) = repaired(text, &Options::default());
        assert!(changes.is_empty(), "{text}: {changes:?}");
        assert!(findings.is_empty(), "{text}: {findings:?}");
        assert_eq!(&output, text);
    }
}

/// The generator's seed for the test's cases. The evidence weights are
/// fitted on other seeds (`examples/fit_evidence.rs`).
const TEST_SEED: u64 = 0x00C0_FFEE;

#[test]
fn generated_cases_are_restored() {
    let cases = generate(400, TEST_SEED);
    let splits = cases.iter().filter(|c| c.split).count();
    assert!(splits >= 100, "{splits} split cases");
    let mut failures = Vec::new();
    let mut wrong = 0;
    for (n, case) in cases.iter().enumerate() {
        let (output, changes, _) = repaired(&case.input, &Options::default());
        if output != case.expected {
            failures.push(n);
            // A change that is not in the clean text is a wrong repair, not
            // a site left for a person.
            wrong += usize::from(changes.iter().any(|c| !case.expected.contains(&c.after)));
        }
    }
    for &n in &failures {
        let case = &cases[n];
        let (output, _, findings) = repaired(&case.input, &Options::default());
        let at = output
            .char_indices()
            .zip(case.expected.chars())
            .find(|((_, a), b)| a != b)
            .map_or(0, |((i, _), _)| i);
        let from = output[..at]
            .char_indices()
            .rev()
            .nth(10)
            .map_or(0, |(i, _)| i);
        let near: String = output[from..].chars().take(30).collect();
        let want: String = case.expected[from.min(case.expected.len())..]
            .chars()
            .take(30)
            .collect();
        eprintln!(
            "case {n} (split: {}): got {near:?}, want {want:?}; findings: {:?}",
            case.split,
            findings.iter().map(|f| &f.detail).collect::<Vec<_>>()
        );
    }
    let rate = 1.0 - failures.len() as f64 / cases.len() as f64;
    let split_failures = failures.iter().filter(|&&n| cases[n].split).count();
    eprintln!(
        "generated: {} cases ({splits} with split characters), {:.1}% restored exactly, \
         {wrong} with a wrong change",
        cases.len(),
        rate * 100.0
    );
    // Readings alone are always restored. Where the bytes of a split site
    // leave several characters or marks that the word models, the news
    // character model and the document do not tell apart by a clear margin
    // (有序 or 有效 after 生活, 巡察 or 巡查, a name, a comma or a semicolon
    // swallowed at the end of a run), the site is reported rather than
    // guessed. The floors below are what the repair reaches on this seed:
    // the 98% (8 split cases of 200 not restored, none with a wrong
    // change). Other seeds give less: 95.8-96.7% of 1000 cases, 1-3 of them
    // with a wrong change (`examples/fit_evidence.rs eval 3 4 5`).
    assert_eq!(
        split_failures,
        failures.len(),
        "a case without split sites failed"
    );
    assert!(failures.len() <= 8, "only {:.1}% restored", rate * 100.0);
    assert!(wrong == 0, "{wrong} cases with a wrong change");
}

#[test]
fn generated_snapshots() {
    let cases = generate(40, TEST_SEED);
    for (family, split) in [("generated-split", true), ("generated-readings", false)] {
        let mut content = String::new();
        for case in cases.iter().filter(|c| c.split == split).take(4) {
            let (output, changes, findings) = repaired(&case.input, &Options::default());
            content += "# input\n";
            content += &case.input;
            content += &render(&output, &changes, &findings);
            content += "\n";
        }
        snapshot(family, &content);
    }
}

/// A sample of the generated cases lives in `corpus/chinese-generated` for
/// the shared corpus test; set `UNBAKE_WRITE_CORPUS=1` to rewrite it after
/// changing the generator. The corpus is a regression set, so the sample
/// holds split cases the repair restores; the ones it does not are counted
/// by `generated_cases_are_restored`.
#[test]
fn generated_corpus_sample_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/chinese-generated");
    let write = std::env::var_os("UNBAKE_WRITE_CORPUS").is_some();
    let cases = generate(80, TEST_SEED);
    for (kind, split) in [("split", true), ("readings", false)] {
        let restored = cases.iter().filter(|c| {
            c.split == split && repaired(&c.input, &Options::default()).0 == c.expected
        });
        for (k, case) in restored.take(15).enumerate() {
            for (suffix, text) in [("in", &case.input), ("out", &case.expected)] {
                let path = dir.join(format!("{kind}-{k:02}.{suffix}.txt"));
                if write {
                    std::fs::write(&path, text).unwrap();
                } else {
                    let on_disk = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    assert_eq!(&on_disk, text, "{} is stale", path.display());
                }
            }
        }
    }
}
