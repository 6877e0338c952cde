//! Handles, display names, locations and profile descriptions in the styles seen in real data.
//!
//! Styles imitate the china_082019_1 users file: Twitter's default `name` + 8 digits handles
//! (`Ethan71140528`), transliterated Russian names with digits (`lapteva5400`), random 15-character
//! handles (`nnJIcD3irnEm7pP`), and Chinese display names unrelated to the handle (`黄鹤楼`).

use crate::rng::Rng;

/// English first names.
pub const FIRST: &[&str] = &[
    "james", "mary", "john", "linda", "michael", "sarah", "david", "emily", "chris", "jessica",
    "daniel", "ashley", "matt", "laura", "kevin", "amy", "ryan", "anna", "jason", "emma", "eric",
    "olivia", "brian", "grace", "justin", "chloe", "tony", "karen", "alex", "nicole", "ethan",
    "sophia", "jack", "lucy", "tom", "helen", "peter", "rachel", "sam", "kate", "wing", "ka",
    "ming", "wai", "chun", "yan", "hoi", "kit", "man", "yuki", "haruto", "sakura", "budi", "siti",
    "ana", "carlos", "lucas", "julia", "priya", "arjun", "felix", "lena", "marie", "pierre",
];
/// English / romanised family names.
pub const LAST: &[&str] = &[
    "smith", "johnson", "brown", "lee", "wong", "chan", "cheung", "lau", "ng", "leung", "ho",
    "tang", "chen", "lin", "wang", "li", "zhang", "liu", "tanaka", "sato", "suzuki", "garcia",
    "silva", "santos", "kumar", "singh", "miller", "davis", "wilson", "taylor", "clark", "walker",
    "hall", "young", "king", "wright", "scott", "green", "baker", "adams", "nelson", "carter",
    "mitchell", "roberts", "turner", "phillips", "campbell", "parker", "evans", "edwards",
    "collins", "stewart", "murphy", "cook", "rogers", "morgan", "peterson", "cooper", "reed",
    "bailey", "bell", "kelly",
];
/// Transliterated Russian names (female and male forms), as in the real operation's handles.
pub const RUSSIAN: &[&str] = &[
    "lapteva",
    "galinaorlova",
    "eremin",
    "aliiarodina",
    "ponomareva",
    "volkova",
    "vasilieva",
    "panteleimon",
    "gureva",
    "smirnova",
    "ivanova",
    "kuznetsova",
    "popova",
    "sokolova",
    "lebedeva",
    "kozlova",
    "novikova",
    "morozova",
    "petrova",
    "egorova",
    "pavlova",
    "semenova",
    "golubeva",
    "vinogradova",
    "bogdanova",
    "vorobeva",
    "fedorova",
    "mikhailova",
    "belyaeva",
    "tarasova",
];
/// Russian display names in Cyrillic.
pub const RUSSIAN_DISPLAY: &[&str] = &[
    "Волкова Васильева",
    "Анюта Петина",
    "Жанна Шашкова",
    "Ольга Смирнова",
    "Ирина Попова",
    "Наталья Козлова",
    "Светлана Иванова",
    "Елена Морозова",
    "Татьяна Новикова",
    "Юлия Павлова",
];
/// Chinese display names and nicknames (the real core used literary words and place names).
pub const ZH_DISPLAY: &[&str] = &[
    "神罗天征",
    "牛小牛",
    "鸟岛",
    "黄鹤楼",
    "黄金叶",
    "黎明之光",
    "白晶晶",
    "张利",
    "仁伟",
    "李离",
    "耐克",
    "乾坤",
    "毋问",
    "爱德森",
    "旁观的渊明",
    "清风明月",
    "江南烟雨",
    "长城",
    "东方红",
    "海阔天空",
    "云淡风轻",
    "小草",
    "丹心",
    "春风",
    "大漠孤烟",
    "岁月静好",
    "笑看风云",
    "风雨同舟",
    "山河无恙",
    "赤子之心",
];
/// Hong Kong / Taiwan style display names (traditional characters).
pub const HK_DISPLAY: &[&str] = &[
    "陳大文",
    "黃小明",
    "李嘉欣",
    "張家豪",
    "林詠詩",
    "何志強",
    "梁美玲",
    "吳國華",
    "鄭家樂",
    "劉德仁",
    "香港仔",
    "獅子山下",
    "維港夜色",
    "九龍城寨",
    "茶餐廳常客",
    "夜貓子",
    "小薯仔",
    "打工仔",
    "自由人",
    "港女",
];
/// Words used to build ordinary handles.
const WORDS: &[&str] = &[
    "sunny", "coffee", "travel", "music", "happy", "blue", "moon", "star", "tiger", "panda",
    "ninja", "pixel", "dream", "lucky", "chill", "cloud", "storm", "river", "urban", "retro",
    "cosmic", "jade", "lemon", "mango", "noodle", "dimsum", "harbour", "peak", "kowloon", "taipei",
    "tokyo", "foodie", "runner", "gamer", "reader", "writer", "photo", "daily", "real", "the",
    "its", "just", "official",
];

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A handle style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandleStyle {
    /// Human-chosen: words, names, a few digits.
    Ordinary,
    /// Twitter's suggested default: up to 7 letters of a name + 8 digits.
    DefaultDigits,
    /// A transliterated Russian name + 2 to 4 digits.
    RussianDigits,
    /// 15 random letters and digits.
    Random15,
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A handle of the given style (at most 15 characters, as Twitter requires).
pub fn handle(r: &mut Rng, style: HandleStyle) -> String {
    let mut h = match style {
        HandleStyle::Ordinary => match r.below(6) {
            0 => format!("{}{}", r.pick(FIRST), r.pick(LAST)),
            1 => format!("{}_{}", r.pick(FIRST), r.pick(LAST)),
            2 => format!("{}{}", r.pick(WORDS), r.pick(WORDS)),
            3 => format!(
                "{}{}{}",
                cap(*r.pick(FIRST)),
                cap(*r.pick(WORDS)),
                r.below(100)
            ),
            4 => format!("{}_{}", r.pick(WORDS), r.pick(FIRST)),
            _ => format!("{}{}", r.pick(FIRST), r.range_i64(70, 2005)),
        },
        HandleStyle::DefaultDigits => {
            let base = if r.chance(0.5) {
                format!("{}{}", r.pick(FIRST), r.pick(LAST))
            } else {
                cap(*r.pick(FIRST))
            };
            let base: String = base.chars().take(7).collect();
            let base = if r.chance(0.4) { cap(&base) } else { base };
            format!("{base}{:08}", r.below(100_000_000))
        }
        HandleStyle::RussianDigits => {
            format!("{}{}", r.pick(RUSSIAN), r.range_i64(2, 9999))
        }
        HandleStyle::Random15 => (0..15).map(|_| *r.pick(ALNUM) as char).collect(),
    };
    h.truncate(15);
    h
}

/// A display name: English, Chinese (simplified), Hong Kong style, or Russian.
pub fn display(r: &mut Rng, kind: u8) -> String {
    match kind {
        0 => {
            if r.chance(0.35) {
                cap(*r.pick(FIRST))
            } else {
                format!("{} {}", cap(*r.pick(FIRST)), cap(*r.pick(LAST)))
            }
        }
        1 => r.pick(ZH_DISPLAY).to_string(),
        2 => r.pick(HK_DISPLAY).to_string(),
        _ => r.pick(RUSSIAN_DISPLAY).to_string(),
    }
}

/// Reported locations by region code used in [`crate::world`].
pub fn location(r: &mut Rng, region: &str) -> String {
    let opts: &[&str] = match region {
        "HK" => &[
            "Hong Kong",
            "香港",
            "Kowloon",
            "HK",
            "Hong Kong SAR",
            "香港 Hong Kong",
            "New Territories",
        ],
        "TW" => &["Taiwan", "台北", "Taipei City, Taiwan", "台灣"],
        "CN" => &[
            "中国",
            "中国 北京",
            "中国 杭州",
            "Shanghai",
            "Beijing, China",
        ],
        "US-E" => &[
            "New York, NY",
            "Boston, MA",
            "Washington, DC",
            "Atlanta, GA",
            "Philadelphia, PA",
        ],
        "US-W" => &[
            "Los Angeles, CA",
            "San Francisco, CA",
            "Seattle, WA",
            "Portland, OR",
        ],
        "UK" => &["London, England", "Manchester", "United Kingdom", "London"],
        "EU" => &[
            "Berlin, Germany",
            "Paris, France",
            "Madrid",
            "Amsterdam",
            "Europe",
        ],
        "JP" => &["東京", "Tokyo, Japan", "大阪", "日本"],
        "ID" => &["Jakarta, Indonesia", "Indonesia", "Bandung"],
        "IN" => &["Mumbai, India", "New Delhi, India", "Bangalore"],
        "AU" => &[
            "Sydney, New South Wales",
            "Melbourne, Victoria",
            "Australia",
        ],
        "BR" => &["São Paulo, Brasil", "Rio de Janeiro", "Brasil"],
        _ => &["Earth", "🌏", "Worldwide"],
    };
    r.pick(opts).to_string()
}

/// An ordinary profile description in the account's language.
pub fn description(r: &mut Rng, lang: &str) -> String {
    let opts: &[&str] = match lang {
        "zh-tw" | "zh-hk" => &[
            "香港人",
            "愛香港 🇭🇰",
            "攝影 | 旅行 | 咖啡",
            "打工仔一名",
            "自由 民主 法治",
            "中學教師",
        ],
        "zh-cn" => &["热爱生活", "岁月静好", "分享美好", "爱国爱港", "读书 旅行"],
        "ja" => &[
            "日常をつぶやきます",
            "カメラと旅行が好き",
            "無言フォロー失礼します",
        ],
        "es" | "pt" => &[
            "Amante del café ☕",
            "Vivir y aprender",
            "Fotografia e viagens",
        ],
        _ => &[
            "Coffee addict. Dog person. Opinions are my own.",
            "Student | Gamer | Dreamer",
            "Journalist covering Asia. RTs are not endorsements.",
            "Mum of two, runner, bookworm 📚",
            "Software engineer. Tweets about tech and food.",
            "Just here for the memes",
            "Photographer 📷 travel lover",
        ],
    };
    r.pick(opts).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_follow_their_style_and_length() {
        let mut r = Rng::stream(1, 1, 1);
        for _ in 0..500 {
            let d = handle(&mut r, HandleStyle::DefaultDigits);
            assert!(d.len() <= 15);
            assert!(d.chars().rev().take(8).all(|c| c.is_ascii_digit()), "{d}");
            let x = handle(&mut r, HandleStyle::Random15);
            assert_eq!(x.len(), 15);
            let o = handle(&mut r, HandleStyle::Ordinary);
            assert!(!o.is_empty() && o.len() <= 15, "{o}");
        }
    }
}
