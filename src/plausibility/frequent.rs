//! Characters that make up most running text, per script.
//!
//! Hand-compiled from general knowledge of published character-frequency
//! lists; no maintained crate carries these. They only need to be roughly
//! right: the engine uses them to rank candidate decodings of text that is
//! already known to be damaged (is this GBK or EUC-KR read as Latin-1?),
//! never to decide that text is damaged. A wrong decoding draws characters
//! at random from a codepage's repertoire, so it lands outside these sets
//! far more often than real text does.

/// The most frequent Chinese characters, simplified and traditional forms.
pub(super) const HAN: &str = "\
的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域习类查注低型增持况众创需务组织省农村企提供标推项环境质健康服务发展建设管理情况工作问题经济会议领导部门群众市场社会安全重要要求加强实施推进落实研究分析防控疫情复产单位委员书记县镇街道乡医疗教育文化旅游交通水利能源科技人才
這國個說們為時來會過對裡後麼發動兩長樣現將開與實點進種還當從兒話頭無見經問間電機應學東車書親聽體氣關門業產內軍華報總張萬場處師員難數變視記邊戰幹許覺統請愛讓認論義條務際導單據網專讀飛觀爭組濟離雖盡劍講殺調團級樂類黨錢區轉權傳運遠資隊帶達辦強歷語識極領該節紅紀約術結備設價議農環境質健康幹須辦縣鎮鄉醫療教育遊興歲愛區風勞動階層強調認為並將繼續積極貫徹習近總記委員會領導";

/// The most frequent kanji in Japanese text (kana are all frequent).
pub(super) const KANJI: &str = "\
日一国人年大十二本中長出三時行見月分後前生五間上東四今金九入学高円子外八六下来気小七山話女北午百書先名川千水半男西電校語土木聞食車何南万毎白天母火右読友左休父雨会同事自社発者地業方新場員立開手力問代明動京目通言理体田主題意不作用度強公持野以思家世多正安院心界教文元重近考画海売知道集別物使品計死特私始朝運終台広住無真有口少町料工建空急止送切転研足究楽起着店病質待試族銀早映親験英医仕去味写字答夜音注帰古歌買悪図週室歩風紙黒花春赤青館屋色走秋夏習駅洋旅服夕借曜飲肉貸堂鳥飯勉冬昼茶弟牛魚兄犬妹姉漢様頂富士忘景約幹線阪駅京都府県市区";

/// The most frequent Hangul syllables.
pub(super) const HANGUL: &str = "\
이다는의에하고를가을지서기사한로도인대자어리시수정나전일해으부게보아구상것들라주장만적거제원소우니있없면내여경무그동안화성비세요마회국위했되계신생실분과문미방결관발행체공당러연치물업중모학후터개민던드까오말및속심식통조선반음양유단때금더교법현명할강차파데운영작용질변견저력군처활집날점각품재간진최초월임년본확히습청받산직표래호목평천북남열향약능복함술토예합즉순권노종료두투특랑좋좀알잘했어습니였네죠걸께왜누구디엇언얼많작은크게었입야머";

/// Cyrillic letters outside the core of Russian running text (the ten
/// least frequent Russian letters and letters Russian does not use).
pub(super) const CYRILLIC_RARE: &str = "фщъэюжцшхйёФЩЪЭЮЖЦШХЙЁђѓєѕіїјљњћќўџґЂЃЄЅІЇЈЉЊЋЌЎЏҐ";

/// Greek letters that are rare in running text.
pub(super) const GREEK_RARE: &str = "θχφβξζψϊϋΐΰΘΧΦΒΞΖΨΪΫ";

/// Arabic-script letters that are rare in running Arabic and Persian text:
/// hamza forms, the emphatics, and the Urdu letters windows-1256 carries.
pub(super) const ARABIC_RARE: &str = "ءئؤإظغضذثصۀہھےںٹڈڑـ";

/// Vowels of the alphabets whose words need them.
pub(super) const VOWELS: &str = "аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄαεηιουωάέήίόύώϊϋΐΰΑΕΗΙΟΥΩΆΈΉΊΌΎΏ";

/// Cyrillic letters that only Serbian and Macedonian use.
pub(super) const SOUTH_SLAVIC: &str = "ђѓѕјљњћќџЂЃЅЈЉЊЋЌЏ";

/// Cyrillic letters that Serbian and Macedonian lack. No orthography puts
/// one of these in a word with one of [`SOUTH_SLAVIC`]: such a word is a
/// codepage's neighbouring cells (`ЈЦЙЛ`), not a word.
pub(super) const NOT_SOUTH_SLAVIC: &str = "йщъыьэюяёієїґўЙЩЪЫЬЭЮЯЁІЄЇҐЎ";
