//! The common Chinese surnames, for telling a name from chance.
//!
//! A Chinese name in Western text, its GBK or Big5 bytes read as
//! windows-1252 (`ÀîÃ÷` for 李明), is two or three characters that no
//! dictionary lists as a word, and so is a chance reading of Western
//! symbols (`©ß¯]` read back from Big5 is `拋珠`). A name starts with its
//! surname, and a hundred surnames are borne by some nine in ten people in
//! China (the 2020 census's ranking); Taiwan's and Hong Kong's most common
//! that are not among them are added. Each is listed in its simplified and
//! its traditional form. No maintained crate carries such a list.

/// The surnames, simplified forms, then traditional forms that differ,
/// then those common in Taiwan and Hong Kong.
const SURNAMES: &str = "\
王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁\
潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦\
邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤\
張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蕭蔣葉蘇呂盧鍾譚陸賈韋鄒閻龍賀顧龔萬錢嚴湯\
賴洪游詹施柯翁溫温藍蓝莊庄紀纪歐欧簡简";

/// Whether `c` is a common Chinese surname.
pub(crate) fn is_common_surname(c: char) -> bool {
    SURNAMES.contains(c)
}
