//! The site's channels and category tree (E1, E6, E6a, E7).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Index of a channel in the site's channel list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ChannelId(pub u16);

/// Index of a middle category (중분류) in the site's category list. A room's category is its
/// middle category; the major (대분류) follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CategoryId(pub u32);

/// E6: channel kinds. Their differences are in E6a.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// 웹채팅v1: re-click possible (B12).
    WebChatV1,
    /// 웹채팅v2: the button is disabled after the first click (B13).
    WebChatV2,
    /// 카카오톡 채널: KakaoTalk system rendering without chatbot (M11).
    KakaoTalk,
    /// 네이버톡톡.
    NaverTalkTalk,
}

impl ChannelKind {
    /// B12/B13: whether the customer can click "Connect to agent" again while waiting.
    pub fn can_reclick(self) -> bool {
        !matches!(self, ChannelKind::WebChatV2)
    }
    /// Q12: the hotkey category replaces the creation category in the list title.
    pub fn title_follows_hotkey(self) -> bool {
        matches!(self, ChannelKind::KakaoTalk | ChannelKind::NaverTalkTalk)
    }
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::WebChatV1 => "web_chat_v1",
            ChannelKind::WebChatV2 => "web_chat_v2",
            ChannelKind::KakaoTalk => "kakao_talk",
            ChannelKind::NaverTalkTalk => "naver_talk_talk",
        }
    }
}

/// E6: one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Scenario id.
    pub id: String,
    /// Kind.
    pub kind: ChannelKind,
}

/// E7: one middle category with its major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// 대분류 name.
    pub major: String,
    /// 중분류 name.
    pub middle: String,
    /// In use (미사용 otherwise).
    pub in_use: bool,
}

impl Category {
    /// `Major/Middle`, the key used in settings (X13) and outputs.
    pub fn path(&self) -> String {
        format!("{}/{}", self.major, self.middle)
    }
}

/// The site's channels and categories, in order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Channels in declaration order.
    pub channels: Vec<Channel>,
    /// Middle categories in tree order (major order, then middle order). The first is the default
    /// creation category (E9).
    pub categories: Vec<Category>,
}

impl Catalog {
    /// Finds a channel by id.
    pub fn channel(&self, id: &str) -> Option<ChannelId> {
        self.channels.iter().position(|c| c.id == id).map(|i| ChannelId(i as u16))
    }
    /// Finds a category by `Major/Middle`.
    pub fn category(&self, path: &str) -> Option<CategoryId> {
        let (major, middle) = path.split_once('/')?;
        self.categories.iter().position(|c| c.major == major && c.middle == middle).map(|i| CategoryId(i as u32))
    }
    /// The kind of a channel.
    #[inline]
    pub fn kind(&self, ch: ChannelId) -> ChannelKind {
        self.channels.get(ch.0 as usize).map(|c| c.kind).unwrap_or(ChannelKind::WebChatV1)
    }
    /// A new site's sample tree (E7): one major with three middles.
    pub fn sample_categories() -> Vec<Category> {
        ["Inquiry 1", "Inquiry 2", "Inquiry 3"]
            .iter()
            .map(|m| Category { major: "Sample".into(), middle: (*m).into(), in_use: true })
            .collect()
    }
}
