//! Text of posts: organic chatter, news, protest content, state narratives with copy-paste edits,
//! cover content and spam. Banks are small; variety comes from combining and editing.

use crate::rng::Rng;

/// Everyday chatter of ordinary users in their language (tweet_language codes as in the archive).
/// Built from three slots (lead-in, topic, ending) so unrelated users rarely write the same text.
pub fn chatter(r: &mut Rng, lang: &str) -> String {
    let (lead, topic, tail, sep): (&[&str], &[&str], &[&str], &str) = match lang {
        "zh" => (
            &[
                "今日", "琴日", "啱啱", "聽日", "成日", "終於", "又", "", "真係", "好似",
            ],
            &[
                "好攰",
                "食咗碗雲吞麵",
                "落大雨",
                "返工好悶",
                "放假",
                "睇波",
                "去咗茶餐廳",
                "地鐵又壞",
                "想去旅行",
                "打風",
                "煲劇",
                "加班",
                "行山",
                "同朋友食飯",
                "排隊買嘢",
            ],
            &["😂", "🙏", "", "！", "…", "😭", "～", "👍", "啦", "囉"],
            "",
        ),
        "ja" => (
            &[
                "今日も",
                "やっと",
                "また",
                "なんか",
                "ついに",
                "",
                "朝から",
                "夜中に",
            ],
            &[
                "暑い",
                "ラーメン食べた",
                "仕事終わった",
                "新しいアニメ見た",
                "眠い",
                "雨やばい",
                "推しが尊い",
                "カフェ行った",
                "ゲームしてた",
                "電車遅れた",
            ],
            &["", "！", "…", "笑", "🥺", "w", "〜", "😇"],
            "",
        ),
        "es" => (
            &[
                "hoy",
                "por fin",
                "otra vez",
                "no puedo con",
                "me encanta",
                "ayer",
                "mañana",
            ],
            &[
                "qué calor",
                "el partido",
                "el trabajo",
                "las vacaciones",
                "la serie nueva",
                "el tráfico",
                "mi gato",
                "el café de la mañana",
            ],
            &["", "jajaja", "😂", "!!", "🙏", "🔥", "xd"],
            " ",
        ),
        "pt" => (
            &[
                "hoje",
                "finalmente",
                "de novo",
                "amo",
                "ontem",
                "não aguento",
            ],
            &[
                "que calor",
                "o jogo",
                "o trabalho",
                "as férias",
                "a série nova",
                "o trânsito",
                "meu gato",
                "o café",
            ],
            &["", "kkkk", "😂", "!!", "🙏"],
            " ",
        ),
        "in" => (
            &["hari ini", "akhirnya", "lagi", "pengen", "kemarin", "besok"],
            &[
                "macet parah",
                "makan bakso",
                "weekend",
                "capek banget",
                "nonton bola",
                "hujan deras",
                "kerja lembur",
                "ngopi dulu",
            ],
            &["", "wkwk", "😂", "🙏", "deh", "sih"],
            " ",
        ),
        "de" | "fr" => (
            &[
                "Heute",
                "Endlich",
                "Schon wieder",
                "Gestern",
                "Enfin",
                "Encore",
            ],
            &[
                "Wochenende",
                "Fußball",
                "Kaffee",
                "Regen",
                "Stau",
                "les vacances",
                "le match",
                "du boulot",
            ],
            &["", "!", " 😅", " 🙈", "..."],
            " ",
        ),
        _ => (
            &[
                "just finished",
                "can't believe",
                "so tired of",
                "loving",
                "watching",
                "anyone else obsessed with",
                "finally tried",
                "not ready for",
                "thinking about",
                "been waiting all week for",
                "still laughing at",
                "why is",
                "low key missing",
                "cannot stop listening to",
            ],
            &[
                "this weather",
                "the game tonight",
                "my new phone",
                "work today",
                "this coffee",
                "the new episode",
                "my cat",
                "the traffic",
                "this playlist",
                "the weekend",
                "pizza",
                "these exams",
                "the concert",
                "my commute",
                "this book",
                "the finale",
                "my dog",
                "leftover pasta",
                "the gym",
                "this heat",
            ],
            &[
                "lol", "😂", "!!", "", "tbh", "...", "🙏", "ngl", "😭", "💯", "honestly", "smh",
                "🔥", "again",
            ],
            " ",
        ),
    };
    let mut s = String::new();
    let l = *r.pick(lead);
    if !l.is_empty() {
        s.push_str(l);
        s.push_str(sep);
    }
    s.push_str(*r.pick(topic));
    let t = *r.pick(tail);
    if !t.is_empty() {
        s.push_str(sep);
        s.push_str(t);
    }
    s
}

/// Stock greetings posted by many unrelated users ("good morning").
pub fn stock_phrase(r: &mut Rng, lang: &str) -> String {
    let opts: &[&str] = match lang {
        "zh" => &["早晨", "早晨 ☀️", "早安", "晚安", "早晨！"],
        "ja" => &["おはようございます", "おはよう☀️", "おやすみなさい"],
        "es" => &["Buenos días", "Buenos días ☀️", "Feliz viernes"],
        "pt" => &["Bom dia", "Bom dia ☀️"],
        "in" => &["Selamat pagi", "Selamat malam"],
        _ => &[
            "good morning",
            "Good morning ☀️",
            "gm",
            "Happy Friday!",
            "Good night everyone",
            "Happy Monday",
            "Good morning!",
        ],
    };
    r.pick(opts).to_string()
}

const DISTRICTS: &[&str] = &[
    "Admiralty",
    "Mong Kok",
    "Sha Tin",
    "Yuen Long",
    "Causeway Bay",
    "Sham Shui Po",
    "Tsim Sha Tsui",
    "Wan Chai",
    "Sheung Wan",
    "Tai Po",
    "Tsuen Wan",
    "Kwun Tong",
    "the airport",
    "Central",
];
const DISTRICTS_ZH: &[&str] = &[
    "金鐘",
    "旺角",
    "沙田",
    "元朗",
    "銅鑼灣",
    "深水埗",
    "尖沙咀",
    "灣仔",
    "上環",
    "大埔",
    "荃灣",
    "觀塘",
    "機場",
    "中環",
];

/// A news headline about the protests or the wider news; `state` selects state-media framing.
pub fn headline(r: &mut Rng, state: bool) -> String {
    let d = r.pick(DISTRICTS);
    if state {
        let opts = [
            format!("Rioters vandalize {d}, residents call for order"),
            format!("Hong Kong police show restraint as radicals attack officers in {d}"),
            "Foreign interference behind Hong Kong unrest, experts say".to_string(),
            "Hong Kong businesses suffer as violent protests continue".to_string(),
            format!("Citizens rally in {d} to support police and oppose violence"),
            "Commentary: Hong Kong's prosperity must not be held hostage by violence".to_string(),
            "China's economy shows resilience amid global headwinds".to_string(),
            "Panda cubs celebrate first birthday at Chengdu base".to_string(),
            format!("Tourists stranded as protesters block {d}"),
        ];
        r.pick(&opts).clone()
    } else {
        let opts = [
            format!("Police fire tear gas at protesters in {d}"),
            format!("Thousands march in {d} against extradition bill"),
            "Hong Kong leader Carrie Lam says extradition bill is 'dead'".to_string(),
            format!("Live: protesters and police face off in {d}"),
            "Airport authority cancels all flights as protesters occupy terminal".to_string(),
            format!("Men in white attack commuters at {d} station"),
            "Hong Kong stocks fall as protests enter third month".to_string(),
            "Typhoon signal No 8 expected tonight, Observatory says".to_string(),
            "Trade talks: US and China to resume negotiations".to_string(),
            "New iPhone leak reveals triple camera design".to_string(),
            "World Cup qualifier: Hong Kong draw with Cambodia".to_string(),
            format!("Pro-Beijing rally draws crowd in {d}"),
        ];
        r.pick(&opts).clone()
    }
}

/// Slug for an article url.
pub fn slug(title: &str) -> String {
    let mut s = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').chars().take(60).collect()
}

/// Protest hashtags used by the movement (and, to hijack them, by the operation).
pub const PROTEST_TAGS: &[&str] = &[
    "#StandWithHongKong",
    "#HongKongProtests",
    "#antiELAB",
    "#FreeHK",
    "#反送中",
    "#香港",
    "#HongKong",
    "#FiveDemands",
    "#PoliceBrutality",
    "#HKpolice",
];

/// An activist's own post: on-the-ground updates, calls to action, solidarity. Returns
/// (text, tweet language, urls).
pub fn activist_post(r: &mut Rng) -> (String, &'static str, Vec<String>) {
    let tag = *r.pick(PROTEST_TAGS);
    let tag2 = *r.pick(PROTEST_TAGS);
    let d = r.pick(DISTRICTS);
    let dz = r.pick(DISTRICTS_ZH);
    let mut urls = Vec::new();
    let (text, lang) = match r.below(9) {
        0 => (
            format!("Tear gas fired in {d} again tonight. Stay safe everyone. {tag}"),
            "en",
        ),
        1 => (
            format!("Tomorrow 2pm {d}. Bring water, helmets, goggles. Be water! {tag} {tag2}"),
            "en",
        ),
        2 => (format!("{dz}而家好多防暴，大家小心 {tag}"), "zh"),
        3 => (format!("香港人加油！{tag}"), "zh"),
        4 => {
            urls.push(format!("https://www.youtube.com/watch?v={}", code(r, 11)));
            (format!("Live stream from {d} now {tag}"), "en")
        }
        5 => {
            urls.push(format!(
                "https://lihkg.com/thread/{}/page/1",
                r.range_i64(1_200_000, 1_600_000)
            ));
            (format!("連登討論：{dz}集合時間 {tag}"), "zh")
        }
        6 => (format!("Five demands, not one less. {tag}"), "en"),
        7 => {
            urls.push(format!("https://t.me/{}", code(r, 8)));
            (format!("Join the channel for updates on {d} {tag}"), "en")
        }
        _ => (
            format!("The world is watching Hong Kong. {tag} {tag2}"),
            "en",
        ),
    };
    (text, lang, urls)
}

/// A slogan for a protest-day "slogan moment" (many activists post near-identical text at night).
pub fn slogan(r: &mut Rng) -> (String, &'static str) {
    let opts: [(&str, &str); 5] = [
        ("光復香港 時代革命", "zh"),
        ("光復香港，時代革命！#StandWithHongKong", "zh"),
        ("Five demands, not one less! #FiveDemands", "en"),
        ("香港人 加油！香港人 反抗！", "zh"),
        (
            "Liberate Hong Kong, revolution of our times #StandWithHongKong",
            "en",
        ),
    ];
    let (t, l) = *r.pick(&opts);
    let suffix = *r.pick(&["", "", " 🇭🇰", "!", " ✊"]);
    (format!("{t}{suffix}"), l)
}

/// State narrative base texts (the operation's talking points). Returns (text, language).
pub fn narrative(r: &mut Rng, lang_zh: bool) -> String {
    if lang_zh {
        let a = [
            "香港暴徒的暴力行为必须受到法律严惩，支持香港警察依法执法！",
            "外国势力插手香港事务，其心可诛。香港是中国的香港！",
            "反对暴力，守护香港，还香港一个安宁。",
            "一小撮暴徒破坏香港繁荣稳定，广大市民忍无可忍。",
            "蒙面暴徒围攻警察，这不是和平示威，这是违法犯罪！",
            "美国政客公然为香港暴徒撑腰，双重标准暴露无遗。",
            "香港机场被暴徒瘫痪，旅客寸步难行，这就是他们所谓的民主？",
            "支持特区政府依法施政，止暴制乱刻不容缓。",
            "郭文贵满嘴谎言，骗子的真面目早已被揭穿。",
            "暴徒冲击立法会，肆意破坏，天理难容。",
        ];
        let b = ["#香港", "#止暴制乱", "#守护香港", "#撑警", "#HongKong"];
        format!("{} {}", r.pick(&a), r.pick(&b))
    } else {
        let a = [
            "Hong Kong police are doing their job. Violent rioters must be brought to justice.",
            "Who is behind the chaos in Hong Kong? Follow the money. Foreign forces must stop interfering.",
            "Peaceful protest? Rioters stormed the LegCo and vandalised it. Stop the violence!",
            "The silent majority in Hong Kong wants peace and order.",
            "Protesters attacked a journalist at the airport. This is not democracy.",
            "Hong Kong is part of China. Hands off, foreign politicians!",
            "Masked radicals threw petrol bombs at police. Would any country tolerate this?",
        ];
        let b = [
            "#HongKong",
            "#SupportHKPolice",
            "#StopViolence",
            "#HKRiots",
            "#香港",
        ];
        format!("{} {}", r.pick(&a), r.pick(&b))
    }
}

/// A co-reply from the operation to an activist's post.
pub fn core_reply(r: &mut Rng, lang_zh: bool) -> String {
    if lang_zh {
        let a = [
            "你们这些暴徒迟早要付出代价",
            "不要再被外国势力利用了",
            "香港是中国的香港，别做梦了",
            "停止暴力，回家吧",
            "造谣可耻",
        ];
        r.pick(&a).to_string()
    } else {
        let a = [
            "Stop spreading lies. The police are protecting Hong Kong.",
            "You are being used by foreign forces.",
            "Violence is not freedom of speech.",
            "Go home and stop destroying the city.",
            "Fake news. Shame on you.",
        ];
        r.pick(&a).to_string()
    }
}

/// Simplified-Chinese characters the operation's editors swapped one at a time.
const ZH_SWAPS: &[(char, char)] = &[
    ('的', '之'),
    ('是', '乃'),
    ('暴', '爆'),
    ('们', '們'),
    ('港', '港'),
    ('必', '务'),
    ('严', '嚴'),
    ('支', '撑'),
    ('外', '境'),
    ('心', '意'),
    ('乱', '亂'),
    ('这', '此'),
    ('不', '非'),
    ('民', '人'),
];

/// One copy-paste variant of `base`: 0 to 2 small edits (punctuation, emoji, swapped hashtag, prefix,
/// one-character Chinese change), as in the 2019 operation's campaigns.
pub fn variant(r: &mut Rng, base: &str) -> String {
    let mut t = base.to_string();
    let edits = match r.below(10) {
        0..=2 => 0,
        3..=7 => 1,
        _ => 2,
    };
    for _ in 0..edits {
        match r.below(6) {
            0 => {
                if t.contains('！') {
                    t = t.replacen('！', "!", 1);
                } else if t.contains('。') {
                    t = t.replacen('。', "！", 1);
                } else if t.contains('!') {
                    t = t.replacen('!', "!!", 1);
                } else {
                    t.push('.');
                }
            }
            1 => {
                t.push(' ');
                t.push_str(*r.pick(&["👍", "🙏", "😡", "🇨🇳", "💪", "❤️"]));
            }
            2 => {
                let tags = [
                    "#HongKong",
                    "#香港",
                    "#止暴制乱",
                    "#StopViolence",
                    "#SupportHKPolice",
                    "#守护香港",
                ];
                let from = tags.iter().find(|x| t.contains(*x)).copied();
                let to = *r.pick(&tags);
                if let Some(from) = from {
                    t = t.replacen(from, to, 1);
                } else {
                    t.push(' ');
                    t.push_str(to);
                }
            }
            3 => {
                let p = *r.pick(&["转发：", "说得好！", "Truth: ", "Wake up! ", "顶！", "RT "]);
                t.insert_str(0, p);
            }
            4 => {
                let chars: Vec<char> = t.chars().collect();
                let han: Vec<usize> = (0..chars.len())
                    .filter(|&i| ('\u{4e00}'..='\u{9fff}').contains(&chars[i]))
                    .collect();
                if han.is_empty() {
                    t = t.replacen("  ", " ", 1);
                    t.push_str(" !");
                } else {
                    let i = *r.pick(&han);
                    let c = chars[i];
                    let repl = ZH_SWAPS.iter().find(|(a, _)| *a == c).map(|(_, b)| *b);
                    t = chars
                        .iter()
                        .enumerate()
                        .filter_map(|(j, &ch)| if j != i { Some(ch) } else { repl })
                        .collect();
                }
            }
            _ => {
                t = t.trim_end_matches(['。', '.', '!', '！']).to_string();
            }
        }
    }
    t
}

/// Off-topic cover content of the core (food, scenery, quotes, sports) in zh or en.
pub fn core_cover(r: &mut Rng, zh: bool) -> String {
    if zh {
        let a = ["今天", "周末", "早上", "下班后", "最近", "昨天", ""];
        let b = [
            "天气真好，出去走走",
            "分享一首好听的歌",
            "做了红烧肉，味道不错",
            "去了趟桂林，山水甲天下",
            "看了一部好电影，推荐给大家",
            "读完一本书，收获很多",
            "在公园散步，心情舒畅",
            "吃了一碗兰州拉面",
            "和朋友喝茶聊天",
            "拍了几张风景照",
        ];
        let c = ["", "😊", "🌸", "！", "。", "～", "👍"];
        format!("{}{}{}", r.pick(&a), r.pick(&b), r.pick(&c))
    } else {
        let a = [
            "Life is short, smile while you still have teeth.",
            "Beautiful sunset today",
            "What a game last night! #NBA",
            "Monday motivation: keep going",
            "Delicious dumplings for lunch",
            "Travel is the only thing you buy that makes you richer",
            "Spring in Hangzhou is unreal",
            "Coffee first, then the world",
            "Great hike this weekend",
            "Happiness is homemade noodles",
        ];
        let c = ["", " 😊", " 🌅", "!", " #life", " #travel"];
        format!("{}{}", r.pick(&a), r.pick(&c))
    }
}

/// Earlier off-topic history of a repurposed account, in its original persona's language.
pub fn history(r: &mut Rng, lang: &str) -> (String, &'static str) {
    match lang {
        "ru" => (
            r.pick(&[
                "Хорошего дня всем!",
                "Новая коллекция уже в продаже",
                "Погода сегодня отличная",
                "Смотрите мой новый блог",
            ])
            .to_string(),
            "ru",
        ),
        "es" => (
            r.pick(&[
                "¡Nueva colección disponible!",
                "Sígueme y te sigo",
                "Feliz domingo a todos",
                "Oferta especial solo hoy",
            ])
            .to_string(),
            "es",
        ),
        "id" => (
            r.pick(&[
                "Promo spesial hari ini",
                "Follback ya kak",
                "Selamat hari Minggu",
            ])
            .to_string(),
            "in",
        ),
        _ => (
            r.pick(&[
                "Check out our new summer collection! 50% off today only",
                "Follow me and I follow back #teamfollowback",
                "Best deals on sneakers, link in bio",
                "Happy Thanksgiving everyone!",
                "New blog post: 10 tips for better sleep",
                "Watching the Super Bowl with friends",
            ])
            .to_string(),
            "en",
        ),
    }
}

/// Spammy cover content of amplifiers.
pub fn spam(r: &mut Rng) -> (String, &'static str, Vec<String>) {
    let u = format!(
        "http://{}.{}/{}",
        code(r, 6).to_lowercase(),
        r.pick(&["xyz", "top", "club", "vip", "cn"]),
        code(r, 5)
    );
    let (t, l) = *r.pick(&[
        ("Earn $500 a day from home! DM me", "en"),
        ("Hot singles in your area tonight", "en"),
        ("免费看片 加微信", "zh"),
        ("澳门线上娱乐 注册送彩金", "zh"),
        ("Join the airdrop now, limited spots #crypto #BTC", "en"),
        ("代开发票 正规 可验证", "zh"),
        ("Follow for follow, gain 1000 followers fast", "en"),
    ]);
    (
        format!("{t} {}", r.pick(&["", "🔥", "💰", "👉"])),
        l,
        vec![u],
    )
}

/// Giveaway copy-paste text for a brand (identical across all entrants of one giveaway).
pub fn giveaway(brand: &str, prize: &str) -> String {
    format!(
        "I just entered the #giveaway by @{brand} to win {prize}! RT & follow to enter 🎁 #win #contest"
    )
}

/// Giveaway prizes.
pub const PRIZES: &[&str] = &[
    "a new iPhone",
    "$500 in gift cards",
    "a PS4 Pro",
    "concert tickets",
    "a Nintendo Switch",
    "AirPods",
    "a trip to Bali",
];

/// A random alphanumeric code of `n` characters (t.co paths, video ids).
pub fn code(r: &mut Rng, n: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..n).map(|_| *r.pick(A) as char).collect()
}

/// Hashtags of a text, without `#`, in order (letters, digits, `_`, and CJK).
pub fn hashtags_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '#' {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphanumeric() || d == '_' {
                end = j + d.len_utf8();
                it.next();
            } else {
                break;
            }
        }
        if end > start {
            out.push(text[start..end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_extracted_in_order() {
        assert_eq!(
            hashtags_of("a #HongKong b #香港！ #x_1, # #"),
            vec!["HongKong", "香港", "x_1"]
        );
    }

    #[test]
    fn variants_stay_close_to_the_base() {
        let mut r = Rng::stream(3, 3, 3);
        let base = "外国势力插手香港事务，其心可诛。香港是中国的香港！ #香港";
        let mut changed = 0;
        for _ in 0..200 {
            let v = variant(&mut r, base);
            if v != base {
                changed += 1;
            }
            let common = v.chars().filter(|c| base.contains(*c)).count();
            assert!(common * 10 >= base.chars().count() * 7, "{v}");
        }
        assert!((100..200).contains(&changed), "{changed}");
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slug("Police fire tear gas at 'Mong Kok'!"),
            "police-fire-tear-gas-at-mong-kok"
        );
    }
}
