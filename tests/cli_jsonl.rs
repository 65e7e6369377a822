//! `unbake repair --jsonl`: the pipeline interface, through the binary.

use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn jsonl(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(["repair", "--jsonl"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_string();
    let writer = std::thread::spawn(move || input.write_all(stdin.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn only_the_field_changes_byte_for_byte() {
    let input = concat!(
        r#"{ "id" : 1.50e0, "meta":{"b":2,"a":"\u00e9"},"text":"cafÃ©",  "z":[1 ,2] }"#,
        "\r\n",
        r#"{"text":"café","n":7.000}"#,
        "\n"
    );
    let run = jsonl(&[], input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, input.replace("cafÃ©", "café"));
    assert_eq!(run.stderr, "");
}

#[test]
fn bad_lines_pass_through_and_are_reported_by_number() {
    let input = concat!(
        "{\"text\":\"cafÃ©\"}\n",
        "not json\n",
        "{\"other\":\"cafÃ©\"}\n",
        "{\"text\":42}\n",
        "[\"text\"]\n",
        "{\"text\":\"cafÃ©\"}"
    );
    let run = jsonl(&[], input);
    assert_eq!(run.code, 0);
    let expected: Vec<&str> = input.lines().collect();
    let got: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(got.len(), expected.len());
    assert_eq!(got[0], "{\"text\":\"café\"}");
    assert_eq!(got[1..5], expected[1..5]);
    assert_eq!(got[5], "{\"text\":\"café\"}");
    assert!(
        !run.stdout.ends_with('\n'),
        "no newline is added at the end"
    );
    let messages: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(messages.len(), 4, "{}", run.stderr);
    assert_eq!(
        messages[0],
        "unbake: stdin:2: not valid JSON (expected ident at line 1 column 2); passed through unchanged"
    );
    assert_eq!(
        messages[1],
        "unbake: stdin:3: no field \"text\"; passed through unchanged"
    );
    assert_eq!(
        messages[2],
        "unbake: stdin:4: field \"text\" is not a string; passed through unchanged"
    );
    assert_eq!(
        messages[3],
        "unbake: stdin:5: not a JSON object; passed through unchanged"
    );
}

#[test]
fn field_names_the_field() {
    let input = "{\"text\":\"cafÃ©\",\"body\":\"Ã©tÃ©\"}\n";
    let run = jsonl(&["--field", "body"], input);
    assert_eq!(run.stdout, "{\"text\":\"cafÃ©\",\"body\":\"été\"}\n");
}

#[test]
fn explain_adds_the_chain_and_evidence_to_changed_records() {
    let input = "{\"id\":7,\"text\":\"cafÃ©\"}\n{\"id\":8,\"text\":\"plain\"}\n";
    let run = jsonl(&["--explain"], input);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("{\"id\":7,\"text\":\"café\",\"unbake\":{"),
        "{}",
        lines[0]
    );
    let record: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let change = &record["unbake"]["changes"][0];
    assert_eq!(change["chain"], "UTF-8 read as windows-1252");
    assert_eq!(change["before"], "Ã©");
    assert_eq!(change["after"], "é");
    assert_eq!(change["span"], serde_json::json!([3, 7]));
    assert!(change["confidence"].as_f64().unwrap() > 0.0);
    assert!(
        change["evidence"]
            .as_str()
            .is_some_and(|e| e.contains("implausibility")),
        "{change}"
    );
    assert_eq!(lines[1], "{\"id\":8,\"text\":\"plain\"}");
}

#[test]
fn many_lines_keep_their_order() {
    let input: String = (0..50_000)
        .map(|i| {
            if i % 3 == 0 {
                format!("{{\"i\":{i},\"text\":\"cafÃ© {i}\"}}\n")
            } else {
                format!("{{\"i\":{i},\"text\":\"line {i}\"}}\n")
            }
        })
        .collect();
    let run = jsonl(&[], &input);
    assert_eq!(run.code, 0);
    let mut count = 0;
    for (i, line) in run.stdout.lines().enumerate() {
        let expected = if i % 3 == 0 {
            format!("{{\"i\":{i},\"text\":\"café {i}\"}}")
        } else {
            format!("{{\"i\":{i},\"text\":\"line {i}\"}}")
        };
        assert_eq!(line, expected);
        count += 1;
    }
    assert_eq!(count, 50_000);
}

#[test]
fn output_follows_input_as_it_arrives() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unbake"))
        .args(["repair", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = std::io::BufReader::new(child.stdout.take().unwrap());
    for i in 0..3 {
        writeln!(input, "{{\"text\":\"cafÃ© {i}\"}}").unwrap();
        input.flush().unwrap();
        // The line comes back while stdin is still open.
        let mut line = String::new();
        std::io::BufRead::read_line(&mut output, &mut line).unwrap();
        assert_eq!(line, format!("{{\"text\":\"café {i}\"}}\n"));
    }
    drop(input);
    assert!(child.wait().unwrap().success());
}
