//! Behaviour layers and time scales.

use serde::{Deserialize, Serialize};

/// A behaviour layer: which action maps to which target (DESIGN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Reposts of the same post.
    Repost,
    /// Identical normalised text (reposts excluded).
    Text,
    /// Near-duplicate text (MinHash/LSH groups).
    SimilarText,
    /// Same canonical URL.
    Url,
    /// Same registrable domain.
    Domain,
    /// Same hashtag.
    Hashtag,
    /// Same ordered hashtag list.
    HashtagSeq,
    /// Replies to the same post.
    Reply,
    /// Mentions of the same account.
    Mention,
    /// Same media hash.
    Media,
    /// Directed: author -> account that reposts the author's posts within the window.
    Amplify,
    /// Same login IP.
    Ip,
    /// Same login device / user agent.
    Device,
}

impl Layer {
    /// Every layer, in display order.
    pub const ALL: [Layer; 13] = [
        Layer::Repost,
        Layer::Text,
        Layer::SimilarText,
        Layer::Url,
        Layer::Domain,
        Layer::Hashtag,
        Layer::HashtagSeq,
        Layer::Reply,
        Layer::Mention,
        Layer::Media,
        Layer::Amplify,
        Layer::Ip,
        Layer::Device,
    ];

    /// The snake_case name used in files and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Repost => "repost",
            Layer::Text => "text",
            Layer::SimilarText => "similar_text",
            Layer::Url => "url",
            Layer::Domain => "domain",
            Layer::Hashtag => "hashtag",
            Layer::HashtagSeq => "hashtag_seq",
            Layer::Reply => "reply",
            Layer::Mention => "mention",
            Layer::Media => "media",
            Layer::Amplify => "amplify",
            Layer::Ip => "ip",
            Layer::Device => "device",
        }
    }

    /// Parses a snake_case layer name.
    pub fn parse(s: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// True for the directed `amplify` layer (edge `a -> b` means b amplified a).
    pub fn is_directed(self) -> bool {
        matches!(self, Layer::Amplify)
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The time scale of a layer run: a short burst window or a long slow-drip window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Seconds to a minute: synchronised bursts.
    Burst,
    /// Hours: slow-drip amplification.
    Drip,
}

impl Scale {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Burst => "burst",
            Scale::Drip => "drip",
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Scale {
    /// Both scales, burst first.
    pub const ALL: [Scale; 2] = [Scale::Burst, Scale::Drip];

    /// Parses `burst` / `drip`.
    pub fn parse(s: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|x| x.as_str() == s)
    }
}
