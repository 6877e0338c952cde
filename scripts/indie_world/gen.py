#!/usr/bin/env python3
"""Independent synthetic-world generator for Lockstep (Twitter IO archive format).

Written without looking at Lockstep's own simulator: behaviours are modelled from public
descriptions of real operations and real users (see docs/indie_world.md). Pure standard library.

Usage: gen.py --seed 1 --accounts 20000 --scenario state_op --out DIR
Writes DIR/indie_tweets.csv (30-column archive tweets file), DIR/indie_users.csv (archive users
file), DIR/logins.csv (userid, login_time, ip, device) and DIR/labels.csv (account_id,label,detail).
"""

import argparse
import bisect
import csv
import datetime as dt
import math
import os
import random
import sys
import time

UTC = dt.timezone.utc
T0 = int(dt.datetime(2019, 7, 15, tzinfo=UTC).timestamp())  # collection window start (Monday)
DAYS = 28
T1 = T0 + DAYS * 86400
SNOWFLAKE_EPOCH_MS = 1288834974657

TWEET_HEADER = [
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
]
USER_HEADER = [
    "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language",
]

# --------------------------------------------------------------------------------------------
# Vocabulary (small, but enough to make distinct texts in several languages and scripts)
# --------------------------------------------------------------------------------------------
EN = ("the a to and of in is it you that for on my this with just be so not have are at me was "
      "but all get like what now your can today love day one time people good new know really "
      "think going back want more from got about still see lol night work home need great life "
      "week thanks happy game music news world city summer weekend coffee friends family watch "
      "read story photo best better never always again first last team show movie book food "
      "trip school money vote price market phone weather morning tonight tomorrow finally crazy "
      "amazing beautiful funny sad tired excited honestly literally anyone everyone").split()
ES = ("el la de que y en los se del las un por con no una su para es al lo como más pero sus le ya "
      "o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde "
      "todo nos durante todos uno les ni contra otros ese eso hoy mañana amigos vida feliz").split()
PT = ("o a de que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele "
      "das tem à seu sua ou ser quando muito há nos já está eu também só pelo pela até isso hoje "
      "amanhã amigos vida feliz jogo").split()
FR = ("le de un être et à il avoir ne je son que se qui ce dans en du elle au pour pas vous par sur "
      "faire plus dire me on mon lui nous comme mais pouvoir avec tout aujourd'hui demain vie").split()
ID_ = ("yang dan di itu dengan untuk tidak ini dari dalam akan pada juga saya ke karena tersebut bisa "
       "ada mereka lebih kami sudah hari ini besok teman hidup senang").split()
JA = ("今日 は 本当に 楽しい 明日 も 仕事 です ね 映画 を 見た ご飯 美味しい 雨 が 降って 眠い "
      "友達 と 会った 新しい 曲 最高 ありがとう 東京 週末 ニュース 猫 かわいい 電車 遅れ").split()
KO = ("오늘 정말 좋은 하루 내일 도 일 해요 영화 봤어요 음식 맛있어요 비 가 와요 친구 만났어요 새 노래 "
      "최고 감사합니다 서울 주말 뉴스 고양이 귀여워").split()
ZH_T = ("今日 天氣 好熱 香港 朋友 食飯 返工 放工 好攰 巴士 地鐵 落雨 週末 行山 咖啡 新聞 電影 "
        "音樂 屋企 唔該 真係 好正 其實 覺得 大家 一齊 今晚 聽日 同埋").split()
ZH_S = ("今天 天气 很好 朋友 吃饭 上班 下班 好累 地铁 下雨 周末 咖啡 新闻 电影 音乐 家里 "
        "真的 其实 觉得 大家 一起 今晚 明天 生活 工作 学习 美食 旅游").split()
AR = "في من على أن إلى هذا مع كان اليوم غدا الحياة أصدقاء سعيد العالم الناس خبر".split()
TH = "วันนี้ อากาศ ดี มาก พรุ่งนี้ เพื่อน กิน ข้าว ทำงาน เพลง ใหม่ ข่าว".split()
VOCAB = {"en": EN, "es": ES, "pt": PT, "fr": FR, "in": ID_, "ja": JA, "ko": KO, "zh": ZH_T,
         "ar": AR, "th": TH}
NOSPACE = {"ja", "zh", "th"}

FIRST = ("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan "
         "Richard Jessica Joseph Sarah Thomas Karen Chris Nancy Daniel Lisa Matthew Betty Anthony "
         "Sandra Mark Ashley Paul Emily Steven Donna Andrew Michelle Kevin Carol Brian Amanda "
         "Maria Jose Ana Carlos Juan Lucia Pedro Sofia Ahmed Fatima Ali Aisha Yuki Haruto Sakura "
         "Minjun Jiwoo Seoyeon Budi Siti Dewi Rizky Priya Rahul Amit Ananya Lucas Gabriel Julia "
         "Wing Ka Man Chun Wai Hiu Tsz Yan Kelvin Ivy Winnie Jason Karen Natalie").split()
LAST = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
        "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
        "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
        "Silva Santos Oliveira Souza Tanaka Suzuki Kim Park Choi Nguyen Tran Wijaya Sharma Patel "
        "Chan Wong Leung Cheung Lau Ho Ng Tsang Chow Yeung").split()
PINYIN = ("wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao "
          "liang zheng xie song tang han feng deng cao peng zeng xiao tian dong yuan pan").split()
PINYIN_G = ("wei fang na xiuying min jing li qiang lei jun yang yong yan jie tao ming chao xiuzhen "
            "xia ping gang hua hui yu lan mei ling xin").split()
ZH_NAMES = "张伟 王芳 李娜 刘洋 陈静 杨丽 黄强 赵磊 吴军 周敏 徐杰 孙涛 马超 朱华 胡明 郭玲 林静 何鑫 高峰 梁欣 前尘往事 牛小牛 清风 明月 追梦人 小小鱼 快乐每一天".split()

HK_TAGS = ["HongKong", "HongKongProtests", "香港", "antiELAB", "StandWithHongKong",
           "FreeHongKong", "反送中", "光復香港時代革命", "HKpolice", "FiveDemands"]
OP_TAGS = ["HongKong", "香港", "暴徒", "HongKongProtests", "反暴力", "撑警察", "SupportHKPolice",
           "止暴制乱", "守护香港", "StopViolence"]
GEN_TAGS = ["MondayMotivation", "tbt", "NowPlaying", "photography", "travel", "food", "NBA",
            "WorldCup", "climate", "Bitcoin", "100DaysOfCode", "books", "gaming", "art", "news",
            "Brexit", "Trump", "Japan", "fitness", "FridayFeeling"]

# State operation talking points (simplified Chinese / English), recombined into paraphrases.
OP_ZH_SUBJ = ["香港暴徒", "这些暴徒", "反对派", "黑衣人", "所谓的民主人士", "一小撮激进分子",
              "乱港分子", "港独分子", "那些蒙面人"]
OP_ZH_VERB = ["破坏", "冲击", "践踏", "扰乱", "绑架", "抹黑", "挑战", "毁掉"]
OP_ZH_OBJ = ["香港的法治", "社会秩序", "立法会", "香港市民的正常生活", "一国两制", "香港的繁荣稳定",
             "警察的执法", "香港的未来", "国家的尊严"]
OP_ZH_END = ["，必须依法严惩！", "，天理难容。", "，香港人不会答应！", "，可耻！", "。支持香港警察！",
             "，背后是谁在操纵？", "。还香港安宁！", "，外国势力请停手！", "，真让人心痛。"]
OP_ZH_PRE = ["", "", "大家看看，", "真是气愤！", "说实话，", "请问，", "又来了，", "看清楚："]
OP_EN_SUBJ = ["The rioters", "These violent protesters", "Masked thugs", "The radicals",
              "So-called democracy fighters", "Foreign-backed separatists"]
OP_EN_VERB = ["are destroying", "attack", "have no respect for", "are ruining", "trample on",
              "smear"]
OP_EN_OBJ = ["the rule of law in Hong Kong", "Hong Kong's prosperity", "peaceful citizens",
             "the police who protect us", "one country two systems", "the future of Hong Kong"]
OP_EN_END = [". Support the HK police!", ". Enough is enough.", "! Shameful.",
             ". Who is paying them?", ". Hong Kong needs peace.", ". Stop the violence now."]
OP_FILLER = ["今天的晚霞真美", "周末去爬山，空气很好", "这家餐厅的烧鹅不错", "早安，新的一天加油",
             "好久没有看电影了", "下班路上堵车", "Good morning everyone", "Nice weather today",
             "喝杯咖啡休息一下", "分享一首好听的歌"]
STATE_MEDIA = [("chinadaily.com.cn", "/a/201907/{d}/WS5d{h}.html"),
               ("globaltimes.cn", "/content/11{n}.shtml"),
               ("people.com.cn", "/n1/2019/07{d}/c1002-31{n}.html"),
               ("xinhuanet.com", "/english/2019-07/{d}/c_138{n}.htm"),
               ("news.cgtn.com", "/news/2019-07-{d}/{h}/index.html"),
               ("takungpao.com.hk", "/news/232109/2019/07{d}/{n}.html"),
               ("wenweipo.com", "/2019/07/{d}/IN19070{n}.htm")]
NON_STATE_PRO = [("orientaldaily.on.cc", "/cnt/news/201907{d}/00174_0{n}.html"),
                 ("bastillepost.com", "/hongkong/article/{n}"),
                 ("youtube.com", "/watch?v={h}&feature=youtu.be")]
ACT_ZH = ["香港人加油！", "光復香港，時代革命", "五大訴求，缺一不可", "撤回惡法", "警察濫用暴力，必須獨立調查",
          "721元朗白衣人無差別襲擊市民", "今晚大家小心", "手足保重", "和理非勇武不分化", "齊上齊落",
          "記得帶頭盔同保鮮紙", "唔好畀人分化", "香港人反抗"]
ACT_EN = ["Stand with Hong Kong", "Five demands, not one less", "Police brutality in HK must be "
          "investigated", "Hong Kong is not China", "The world is watching Hong Kong",
          "Tear gas fired in residential areas again tonight", "Free Hong Kong, revolution of our "
          "times", "Withdraw the extradition bill", "Thank you for standing with us"]
FOREIGN_POLITICIANS = [("25073877", "realDonaldTrump"), ("15745368", "marcorubio"),
                       ("15764644", "SpeakerPelosi"), ("3131144855", "BorisJohnson"),
                       ("18916432", "JustinTrudeau"), ("1090101", "eu_commission")]


# ---- troll_farm vocabulary (US politics, 2016-style; invented texts in the style of the period) ----
US_TZ_MIX = [(-5, 0.47, ["en", "es"], "US"), (-6, 0.27, ["en", "es"], "US"), (-7, 0.07, ["en"], "US"),
             (-8, 0.16, ["en", "es"], "US"), (0, 0.03, ["en"], "GB")]
R_SUBJ = ["Crooked Hillary", "The liberal media", "Obama", "The Democrats", "Illegal aliens", "The establishment",
          "Soros-funded protesters", "The mainstream media", "Career politicians", "Antifa thugs"]
R_VERB = ["are lying about", "want to destroy", "don't care about", "are covering up", "just attacked",
          "will never respect", "keep spitting on"]
R_OBJ = ["our Second Amendment", "our veterans", "the police", "American workers", "our borders",
         "Christian values", "the Constitution", "the truth", "our flag"]
R_END = [" #MAGA", " #TrumpTrain", " Wake up America!", " #DrainTheSwamp", " RT if you agree!", " #NeverHillary",
         " 🇺🇸🇺🇸", " #BlueLivesMatter", "."]
R_SLOGANS = ["Make America Great Again!", "Hillary for prison", "Build the wall!", "Back the blue",
             "We the people are not going anywhere", "America first, always"]
L_SUBJ = ["Police", "The system", "Cops", "America", "The DNC", "Trump supporters", "White supremacists", "The media"]
L_VERB = ["keep killing", "don't value", "are ignoring", "lied to", "want to silence", "criminalize", "keep failing"]
L_OBJ = ["Black lives", "our communities", "Black women", "our youth", "the people", "protesters",
         "the truth about police brutality", "our kids"]
L_END = [" #BlackLivesMatter", " #BlackToLive", " Stay woke.", " #PoliceBrutality", " We need justice.",
         " #BlackTwitter", " #StayWoke", "."]
L_SLOGANS = ["Black Lives Matter. Period.", "No justice no peace", "Hands up, don't shoot",
             "Say her name", "We are not afraid", "Power to the people"]
R_STORM = ["DrainTheSwamp", "BuildTheWall", "DefundPlannedParenthood", "BackTheBlue"]
L_STORM = ["JusticeForAll", "SayHerName", "AbolishICE", "EndPoliceViolence"]
R_BIOS = ["Conservative. Christian. Proud American 🇺🇸 #2A #MAGA", "God, guns and Trump. Unofficial account of Tennessee Republicans",
          "Wife, mother, patriot. Deplorable.", "Navy vet. Follow back all patriots", "Texan. Pro-life. #TrumpTrain",
          "I love my country and my family. No DMs"]
L_BIOS = ["Black and proud. Fighting for justice ✊🏾", "Activist. Mother. #BlackLivesMatter", "Stay woke. Stay strong.",
          "Exposing police brutality every day", "Proud Black woman | Chicago", "Truth teller. Free thinker. #StayWoke"]
R_SITES = ["truthfeed.com", "breitbart.com", "dailycaller.com", "thegatewaypundit.com", "youtube.com/watch?v="]
L_SITES = ["blackmattersus.com", "theroot.com", "huffpost.com", "youtube.com/watch?v="]
RU_SLIPS = ["Доброе утро всем", "Кто-нибудь знает, что случилось?", "Америка, проснись!", "Хорошего дня",
            "Это просто ужас", "Сделаем Америку снова великой"]
GAMES = ["ThingsYouCantIgnore", "MakeAMovieSmarter", "RuinADinnerInOneWord", "SongsThatMakeYouCry",
         "ReasonsToGetDivorced", "ToDoListBeforeChristmas", "IGetTriggeredWhen", "MyFavoriteWordIs",
         "BetterAlternativeToDebates", "WorstAdviceEver", "ObamaNextJob", "RejectedDebateTopics"]
HOAX = ["Toxic fumes everywhere, people can't breathe. Why is no one reporting this?",
        "My cousin works at the plant, he says it's way worse than they admit",
        "Authorities are hiding the truth about the explosion", "Stay inside and close your windows!!",
        "Video from the scene is terrifying", "Is this the end? So scared right now"]


def words(rng, lang, n):
    v = VOCAB.get(lang, EN)
    sep = "" if lang in NOSPACE else " "
    return sep.join(rng.choice(v) for _ in range(n))


def tracked(rng, url, kind="news"):
    """Append the tracking parameters real share buttons and social tools add."""
    r = rng.random()
    if kind == "news":
        if r < 0.5:
            return url + "?utm_source=twitter&utm_medium=social&utm_campaign=" + rng.choice(
                ["SocialFlow", "hootsuite", "echobox", "trueanthem"])
        if r < 0.65:
            return url + "?CMP=share_btn_tw"
        if r < 0.75:
            return url + "?fbclid=IwAR" + "%x" % rng.getrandbits(60)
        if r < 0.85:
            return url + "?s=09"
        return url
    if kind == "wechat":
        return url + rng.choice(["?from=singlemessage&isappinstalled=0", "?from=timeline",
                                 "", "", "?utm_source=twitter"])
    return url


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------
class Acct:
    __slots__ = ("idx", "uid", "screen", "display", "loc", "desc", "url", "followers",
                 "following", "created", "alang", "label", "detail", "tz", "langs", "clients",
                 "hours", "reach", "ips", "devices", "n_posts", "group", "weekend")

    def __init__(self, idx):
        self.idx = idx
        self.uid = ""
        self.screen = self.display = self.loc = self.desc = self.url = ""
        self.followers = self.following = 0
        self.created = T0 - 365 * 86400
        self.alang = "en"
        self.label = "organic"
        self.detail = ""
        self.tz = 0
        self.langs = [("en", 1.0)]
        self.clients = ["Twitter for iPhone"]
        self.hours = None
        self.reach = 1.0
        self.ips = []
        self.devices = []
        self.n_posts = 0
        self.group = None
        self.weekend = 1.0


def user_id_for(rng, created):
    """Sequential 32-bit ids before mid-2016, snowflakes after (as real Twitter user ids)."""
    if created >= 1464739200:  # 2016-06-01
        ms = created * 1000 + rng.randrange(1000)
        return str(((ms - SNOWFLAKE_EPOCH_MS) << 22) | rng.getrandbits(22))
    pts = [(1167609600, 1e6), (1230768000, 1.8e7), (1262304000, 1e8), (1293840000, 2.3e8),
           (1325376000, 4.5e8), (1356998400, 1.1e9), (1388534400, 2.3e9), (1420070400, 2.9e9),
           (1451606400, 4.6e9), (1464739200, 7.4e9)]
    for (ta, va), (tb, vb) in zip(pts, pts[1:]):
        if created < tb:
            f = max(0.0, (created - ta) / (tb - ta))
            return str(int(va + f * (vb - va)) + rng.randrange(20000))
    return str(int(7.4e9))


def date_between(rng, y0, y1):
    a = int(dt.datetime(y0, 1, 1, tzinfo=UTC).timestamp())
    b = int(dt.datetime(y1, 1, 1, tzinfo=UTC).timestamp())
    return rng.randrange(a, b)


HUMAN_HOURS = [1.0, 0.6, 0.35, 0.25, 0.2, 0.3, 0.7, 1.4, 1.9, 2.1, 2.1, 2.2, 2.5, 2.3, 2.1, 2.2,
               2.4, 2.7, 3.1, 3.5, 3.8, 3.7, 3.0, 2.0]
OFFICE_HOURS = [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.2, 0.8, 2.5, 3.5, 3.6, 3.0, 1.8, 3.2, 3.6,
                3.5, 3.2, 2.4, 1.0, 0.8, 0.7, 0.6, 0.3, 0.1]


def human_hours(rng, night_shift=0):
    shift = rng.choice([-1, 0, 0, 0, 1, 1, 2, 3]) + night_shift
    h = [HUMAN_HOURS[(i - shift) % 24] * (0.6 + 0.8 * rng.random()) for i in range(24)]
    return h


TZ_MIX = [(8, 0.13, ["zh", "en"], "HK"), (9, 0.09, ["ja", "ko", "en"], "JP"),
          (-5, 0.17, ["en", "es"], "US"), (-6, 0.07, ["en", "es"], "US"), (-8, 0.09, ["en", "es"], "US"),
          (0, 0.09, ["en"], "GB"), (1, 0.09, ["en", "fr", "es"], "EU"), (3, 0.05, ["ar", "en"], "TR"),
          (-3, 0.08, ["pt", "es"], "BR"), (7, 0.07, ["in", "th", "en"], "ID"), (10, 0.03, ["en"], "AU"),
          (5, 0.04, ["en"], "IN")]
LOCS = {"HK": ["Hong Kong", "香港", "HK", "Kowloon", "", ""], "JP": ["Tokyo", "日本", "Osaka", ""],
        "US": ["New York, NY", "Los Angeles, CA", "Texas, USA", "Chicago", "USA", "", ""],
        "GB": ["London", "UK", "Manchester", ""], "EU": ["Paris", "Berlin", "Madrid", ""],
        "TR": ["Istanbul", "Dubai", ""], "BR": ["São Paulo", "Brasil", "Buenos Aires", ""],
        "ID": ["Jakarta", "Bangkok", "Indonesia", ""], "AU": ["Sydney", "Melbourne", ""],
        "IN": ["Mumbai", "New Delhi", ""], "CN": ["中国", "北京", "Shanghai", ""]}
RESIDENTIAL = {"HK": ["112.118", "42.200", "119.236", "61.238", "218.102", "219.73", "183.178"],
               "JP": ["126", "110", "58", "180", "122", "118", "219"], "US": ["73", "24", "98", "71", "76", "108", "68"],
               "GB": ["86", "82", "92", "94", "80"], "EU": ["91", "89", "188", "90", "93", "88", "151"],
               "TR": ["46", "95"], "BR": ["187", "201", "177", "189"], "ID": ["182", "210", "121"],
               "AU": ["203", "202"], "IN": ["61"], "CN": ["123.112", "114.242", "116.228", "113", "36"],
               "RU": ["95.161", "178.66", "46.188", "188.162", "5.18", "91.215"]}
MOBILE = {"HK": ["1.36", "14.0"], "US": ["100", "107", "174"], "JP": ["126", "49"],
          "GB": ["82", "31"], "EU": ["79", "87"], "BR": ["187"], "ID": ["114.1", "182"],
          "TR": ["46"], "AU": ["203"], "IN": ["61"], "CN": ["223.104"]}
VPN_EXITS = ["185.220.101.%d", "104.238.140.%d", "37.120.133.%d", "45.76.22.%d", "139.162.33.%d",
             "159.89.14.%d", "8.210.11.%d", "103.1.206.%d"]
HOSTING = ["45.76.%d.%d", "139.162.%d.%d", "159.89.%d.%d", "47.244.%d.%d", "8.210.%d.%d",
           "104.238.%d.%d"]
DEVICES_FINE = ["iPhone10,3/iOS 12.3", "iPhone11,2/iOS 12.4", "SM-G960F/Android 9",
                "Pixel 3/Android 10", "Redmi Note 7/Android 9", "Chrome 75/Windows 10",
                "Safari 12/macOS 10.14", "Firefox 68/Ubuntu"]


def ip_in(rng, prefix, nets=None):
    parts = prefix.split(".")
    while len(parts) < 3:
        parts.append(str(rng.randrange(nets) if (nets and len(parts) == 2) else rng.randrange(256)))
    parts.append(str(rng.randrange(1, 255)))
    return ".".join(parts)


def give_ips(rng, a, region, vpn=0.0):
    ips = [ip_in(rng, rng.choice(RESIDENTIAL.get(region, RESIDENTIAL["US"])))]
    if rng.random() < 0.7:
        # Mobile carriers put many users behind a small carrier-grade NAT pool.
        ips.append(ip_in(rng, rng.choice(MOBILE.get(region, MOBILE["US"])), nets=24))
    if rng.random() < vpn:
        ips.append(rng.choice(VPN_EXITS) % rng.randrange(1, 60))
    a.ips = ips
    coarse = ["iPhone", "Android", "Chrome/Windows", "Safari/macOS"]
    a.devices = [rng.choice(coarse) if rng.random() < 0.7 else rng.choice(DEVICES_FINE)]


def handle_default(rng, first, last=""):
    """Twitter's suggested handle for an account whose owner did not pick one."""
    if rng.random() < 0.6:
        base = (first + last)[:7]
        return base + "".join(rng.choice("0123456789") for _ in range(15 - len(base)))[:8]
    al = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(al) for _ in range(15))


def handle_chosen(rng, first, last):
    r = rng.random()
    f, l = first.lower(), last.lower()
    if r < 0.3:
        return (f + "_" + l)[:15]
    if r < 0.5:
        return (f[0] + l + str(rng.randrange(1, 99)))[:15]
    if r < 0.65:
        return (f + str(rng.choice([1985, 1990, 1993, 1996, 1999, 2001])))[:15]
    if r < 0.8:
        return (rng.choice(["the", "its", "real", "just", "mr", "ms"]) + f + rng.choice(["", "x", "_", "jr"]))[:15]
    return (f + l[:3] + rng.choice(["", "_", "__"]) + rng.choice(["", "b", "z", "uwu", "tv"]))[:15]


# --------------------------------------------------------------------------------------------
# World
# --------------------------------------------------------------------------------------------
class World:
    def __init__(self, seed, n, scenario):
        self.rng = random.Random(seed)
        self.n = n
        self.scenario = scenario
        self.accts = []
        self.rows = []  # post rows (dicts are too slow: tuples)
        self.seq = 0
        self.used_handles = set()
        self.logins = []
        self.pool = {}  # lang -> list of hour buckets -> (cum weights, posts)
        self.originals = []  # (tid, acct idx, t, text, tags, urls, lang, mentions)
        self.rt_count = {}
        self.rep_count = {}
        self.external = []

    # ---- ids, helpers ------------------------------------------------------------------
    def tid(self, t):
        self.seq += 1
        ms = t * 1000 + self.rng.randrange(1000)
        return str(((ms - SNOWFLAKE_EPOCH_MS) << 22) | (self.seq & 0x3FFFFF))

    def new_acct(self, label, detail=""):
        a = Acct(len(self.accts))
        a.label, a.detail = label, detail
        self.accts.append(a)
        return a

    def uniq(self, h):
        h = h[:15] or "user"
        base = h
        k = 1
        while h.lower() in self.used_handles:
            h = (base[:12] + str(k))[:15]
            k += 1
        self.used_handles.add(h.lower())
        return h

    def finish(self, a, created):
        a.created = created
        a.uid = user_id_for(self.rng, created)

    def local_time(self, a, day=None, hours=None):
        rng = self.rng
        hours = hours or a.hours
        for _ in range(20):
            d = rng.randrange(DAYS) if day is None else day
            wd = (d + 0) % 7  # T0 is a Monday
            if wd >= 5 and rng.random() > a.weekend / 1.4:
                continue
            h = rng.choices(range(24), weights=hours)[0]
            t = T0 + d * 86400 + h * 3600 + rng.randrange(3600) - a.tz * 3600
            if T0 <= t < T1:
                return t
        return T0 + rng.randrange(DAYS * 86400)

    # ---- posting -----------------------------------------------------------------------
    def post(self, a, t, text, lang, kind="orig", tags=(), urls=(), mentions=(), ref=None,
             client=None, pool_w=None):
        """kind orig|rt|reply|quote; ref = original tuple for rt/reply/quote."""
        if not (T0 <= t < T1):
            return None
        tid = self.tid(t)
        client = client or (a.clients[0] if self.rng.random() < 0.85 else self.rng.choice(a.clients))
        rt_uid = rt_tid = rep_uid = rep_tid = q_tid = ""
        tags, urls, mentions = list(tags), list(urls), list(mentions)
        if kind == "rt":
            rt_tid, rt_uid = ref[0], ref[8]
            text = "RT @%s: %s" % (ref[9], ref[3])
            tags, urls = list(ref[4]), list(ref[5])
            mentions = [rt_uid] + [m for m in ref[7] if m != rt_uid]
            lang = ref[6]
            self.rt_count[rt_tid] = self.rt_count.get(rt_tid, 0) + 1
        elif kind == "reply":
            rep_tid, rep_uid = ref[0], ref[8]
            text = "@%s %s" % (ref[9], text)
            mentions = [rep_uid] + mentions
            self.rep_count[rep_tid] = self.rep_count.get(rep_tid, 0) + 1
        elif kind == "quote":
            q_tid = ref[0]
            urls = urls + ["https://twitter.com/%s/status/%s" % (ref[9], ref[0])]
        geo = ("absent", "absent")
        if kind == "orig" and a.label in ("organic", "fan") and self.rng.random() < 0.01:
            geo = ("%.2f" % (self.rng.uniform(-40, 60)), "%.2f" % (self.rng.uniform(-120, 140)))
        self.rows.append((tid, a.idx, t, lang, text, client, rep_uid, rep_tid, q_tid,
                          "True" if kind == "rt" else "False", rt_uid, rt_tid, geo, tags, urls,
                          mentions))
        a.n_posts += 1
        if kind != "rt":
            o = (tid, a.idx, t, text, tuple(tags), tuple(urls), lang, tuple(mentions), a.uid, a.screen)
            if pool_w is None:
                pool_w = a.reach
            if pool_w > 0:
                self.originals.append((o, pool_w))
            return o
        return None

    def build_pool(self):
        """Hour buckets per language of all originals, weighted by reach, for organic engagement."""
        self.pool = {}
        for o, w in self.originals:
            lang = o[6] if o[6] in VOCAB else "en"
            hb = (o[2] - T0) // 3600
            b = self.pool.setdefault(lang, {}).setdefault(hb, [[], []])
            b[1].append(o)
            b[0].append((b[0][-1] if b[0] else 0.0) + w)

    def pick_from_pool(self, t, lang, exclude=None):
        rng = self.rng
        buckets = self.pool.get(lang) or self.pool.get("en")
        if not buckets:
            return None
        hb = (t - T0) // 3600
        for _ in range(6):
            lag = min(int(rng.expovariate(0.25)), 72)
            b = buckets.get(hb - lag)
            if not b:
                continue
            cum, posts = b
            o = posts[bisect.bisect_left(cum, rng.random() * cum[-1])]
            if o[2] < t and o[1] != exclude:
                return o
        return None

    # ---- populations -------------------------------------------------------------------
    def make_organic(self, count, detail="", tz_mix=None):
        rng = self.rng
        out = []
        tz_mix = tz_mix or TZ_MIX
        weights = [w for _, w, _, _ in tz_mix]
        for _ in range(count):
            a = self.new_acct("organic", detail)
            tz, _, langs, region = rng.choices(tz_mix, weights=weights)[0]
            a.tz = tz
            main = langs[0] if rng.random() < 0.75 else rng.choice(langs)
            a.langs = [(main, 0.8)] + [(l, 0.2 / max(1, len(langs) - 1)) for l in langs if l != main]
            if main != "en" and rng.random() < 0.5:
                a.langs.append(("en", 0.15))
            first, last = rng.choice(FIRST), rng.choice(LAST)
            a.display = first + (" " + last if rng.random() < 0.6 else "")
            if rng.random() < 0.12:
                a.display = ""
            created = date_between(rng, 2008, 2019) if rng.random() < 0.93 else rng.randrange(
                T0 - 200 * 86400, T0 - 86400)
            a.screen = self.uniq(handle_default(rng, first, last) if rng.random() < 0.15 else
                                 handle_chosen(rng, first, last))
            a.loc = rng.choice(LOCS[region]) if rng.random() < 0.6 else ""
            a.desc = words(rng, main, rng.randrange(3, 12)) if rng.random() < 0.62 else ""
            a.url = "https://instagram.com/" + a.screen.lower() if rng.random() < 0.08 else ""
            a.followers = int(rng.lognormvariate(4.6, 1.6))
            a.following = int(rng.lognormvariate(5.3, 1.1))
            a.alang = {"in": "id", "zh": rng.choice(["zh-cn", "zh-tw"])}.get(main, main)
            if rng.random() < 0.2:
                a.alang = "en"
            a.clients = [rng.choice(["Twitter for iPhone", "Twitter for Android", "Twitter Web App",
                                     "Twitter for iPad", "Twitter Web Client", "TweetDeck"])]
            if rng.random() < 0.3:
                a.clients.append(rng.choice(["Twitter for iPhone", "Twitter Web App", "Instagram",
                                             "Twitter for Android"]))
            a.hours = OFFICE_HOURS[:] if rng.random() < 0.12 else human_hours(rng)
            a.weekend = rng.uniform(0.5, 1.4)
            a.reach = (1 + a.followers) ** 0.5 / 10
            a.n_posts = 0
            a.group = max(1, min(3000, int(rng.lognormvariate(1.05, 1.45))))
            give_ips(rng, a, region, vpn=0.04)
            self.finish(a, created)
            out.append(a)
        return out

    def organic_originals(self, people, news):
        rng = self.rng
        for a in people:
            if isinstance(a.group, tuple):
                n, share_rt, share_rep = a.group
            else:
                n = a.group
                share_rt = rng.betavariate(2, 2.2)
                share_rep = rng.uniform(0.05, 0.3)
                a.group = (n, share_rt, share_rep)
            n_orig = max(0, int(round(n * max(0.05, 1 - share_rt - share_rep))))
            for _ in range(n_orig):
                t = self.local_time(a)
                lang = rng.choices([l for l, _ in a.langs], weights=[w for _, w in a.langs])[0]
                r = rng.random()
                tags, urls, ment = [], [], []
                if r < 0.14 and news:
                    # share button: headline + via @outlet + tracked url, identical across users
                    nw = rng.choice(news)
                    head, url = nw.group[rng.randrange(len(nw.group))] if nw.group else ("news", "https://example.com")
                    urls = [tracked(rng, url)]
                    text = "%s via @%s %s" % (head, nw.screen, urls[0])
                    lang = "en" if head.isascii() else lang
                else:
                    text = words(rng, lang, rng.randrange(4, 20))
                    if rng.random() < 0.2:
                        tags = rng.sample(GEN_TAGS, rng.randrange(1, 3))
                        text += " " + " ".join("#" + x for x in tags)
                    if rng.random() < 0.07:
                        urls = [tracked(rng, "https://www.instagram.com/p/%x/" % rng.getrandbits(40), "none")]
                        text += " " + urls[0]
                    if rng.random() < 0.15:
                        m = rng.choice(people)
                        ment = [m.uid]
                        text = "@%s %s" % (m.screen, text)
                    if a.detail == "probeijing" and rng.random() < 0.5:
                        lang = "zh"
                        text = rng.choice(OP_ZH_SUBJ) + rng.choice(OP_ZH_VERB) + rng.choice(OP_ZH_OBJ) + rng.choice(OP_ZH_END)
                        if rng.random() < 0.3:
                            dom, path = rng.choice(STATE_MEDIA)
                            urls = [tracked(rng, "https://www." + dom + path.format(d=rng.randrange(10, 31), n=rng.randrange(10000, 99999), h="%x" % rng.getrandbits(32)), "wechat")]
                            text += " " + urls[0]
                self.post(a, t, text, lang, tags=tags, urls=urls, mentions=ment)

    def organic_engagement(self, people, special=None):
        rng = self.rng
        for a in people:
            n, share_rt, share_rep = a.group
            for _ in range(int(round(n * share_rt))):
                t = self.local_time(a)
                lang = rng.choices([l for l, _ in a.langs], weights=[w for _, w in a.langs])[0]
                o = None
                if special and a.detail in special and rng.random() < special[a.detail][1]:
                    src = special[a.detail][0]
                    if src:
                        o = rng.choice(src)
                        t = o[2] + int(rng.lognormvariate(8.0, 1.3))
                if o is None:
                    if rng.random() < 0.3:
                        # retweet of an account outside the collection
                        eu = str(rng.randrange(10 ** 8, 10 ** 9))
                        o = ("%d" % (((t - 3600 * rng.randrange(1, 48)) * 1000 - SNOWFLAKE_EPOCH_MS) << 22 | rng.getrandbits(22)),
                             -1, t - 60, words(rng, lang, rng.randrange(5, 15)), (), (), lang, (), eu,
                             "user" + eu[:6])
                    else:
                        o = self.pick_from_pool(t, lang, exclude=a.idx)
                if o is not None and o[1] != a.idx:
                    self.post(a, t, "", lang, kind="rt", ref=o)
            for _ in range(int(round(n * share_rep))):
                t = self.local_time(a)
                lang = rng.choices([l for l, _ in a.langs], weights=[w for _, w in a.langs])[0]
                o = self.pick_from_pool(t, lang, exclude=a.idx)
                if o is None:
                    continue
                t = max(t, o[2] + 30)
                if rng.random() < 0.15:
                    self.post(a, t, words(rng, lang, rng.randrange(3, 14)), lang, kind="quote", ref=o)
                else:
                    self.post(a, t, words(rng, lang, rng.randrange(2, 14)), lang, kind="reply", ref=o)

    # ---- news ------------------------------------------------------------------------------
    def make_news(self, count):
        rng = self.rng
        out = []
        outlets = [("CGTNOfficial", "CGTN", "news.cgtn.com", "en", 8, "state"),
                   ("ChinaDaily", "China Daily", "chinadaily.com.cn", "en", 8, "state"),
                   ("globaltimesnews", "Global Times", "globaltimes.cn", "en", 8, "state"),
                   ("XHNews", "China Xinhua News", "xinhuanet.com", "en", 8, "state"),
                   ("RT_com", "RT", "rt.com", "en", 3, "state"),
                   ("SputnikInt", "Sputnik", "sputniknews.com", "en", 3, "state"),
                   ("SCMPNews", "South China Morning Post", "scmp.com", "en", 8, ""),
                   ("hkfp", "Hong Kong Free Press", "hongkongfp.com", "en", 8, ""),
                   ("rthk_enews", "RTHK English News", "news.rthk.hk", "en", 8, ""),
                   ("inmediahk", "香港獨立媒體", "inmediahk.net", "zh", 8, ""),
                   ("nytimes", "The New York Times", "nytimes.com", "en", -5, ""),
                   ("Reuters", "Reuters", "reuters.com", "en", 0, ""),
                   ("AP", "The Associated Press", "apnews.com", "en", -5, ""),
                   ("BBCWorld", "BBC News (World)", "bbc.com", "en", 0, ""),
                   ("elpais", "EL PAÍS", "elpais.com", "es", 1, ""),
                   ("folha", "Folha de S.Paulo", "folha.uol.com.br", "pt", -3, ""),
                   ("nhk_news", "NHKニュース", "www3.nhk.or.jp", "ja", 9, ""),
                   ("lemondefr", "Le Monde", "lemonde.fr", "fr", 1, "")]
        # a local newspaper chain: one social desk, same tool, same headlines at the same times
        chain = max(4, count // 8)
        for i in range(count):
            a = self.new_acct("news")
            if i < len(outlets):
                scr, disp, dom, lang, tz, kind = outlets[i]
                a.detail = "state_media" if kind else "outlet"
            elif i < len(outlets) + chain:
                city = rng.choice(["Springfield", "Dayton", "Fresno", "Tulsa", "Akron", "Tacoma",
                                   "Boise", "Macon", "Peoria", "Erie", "Utica", "Reno", "Yuma"])
                scr = self.uniq(city + rng.choice(["News", "Daily", "Herald", "Times", "Post"]))
                disp, dom, lang, tz, kind = scr, scr.lower() + ".com", "en", -5, ""
                a.detail = "chain"
            else:
                city = rng.choice(LAST) + rng.choice(["Gazette", "Tribune", "News", "Today", "Noticias", "Online"])
                scr, disp = city, city
                dom, lang = city.lower() + rng.choice([".com", ".net", ".co.uk", ".com.br", ".es"]), rng.choice(["en", "en", "es", "pt", "fr", "ja"])
                tz = rng.choice([-8, -5, -3, 0, 1, 8, 9, 10])
                kind = ""
                a.detail = "outlet"
            a.screen = self.uniq(scr)
            a.display = disp
            a.loc = rng.choice(["", "Worldwide", "New York", "Hong Kong", "London", "Beijing"])
            a.desc = "News and analysis from " + disp + ". " + words(rng, lang, 5)
            a.url = "https://www." + dom
            a.followers = int(rng.lognormvariate(11, 1.8))
            a.following = int(rng.lognormvariate(5, 1.5))
            a.alang = lang
            a.tz = tz
            a.langs = [(lang, 1.0)]
            a.clients = [rng.choice(["SocialFlow", "TweetDeck", "Hootsuite Inc.", "Echobox", "dlvr.it",
                                     "Twitter Web App", "True Anthem", "Sprinklr"])]
            if a.detail == "chain":
                a.clients = ["SocialNewsDesk"]
            a.hours = [1.0 + (1.5 if 6 <= h <= 22 else 0) for h in range(24)]
            a.weekend = 1.0
            a.reach = 40 + a.followers ** 0.5 / 20 if kind == "" else 2.0
            a.group = []  # (headline, url) for share buttons
            a.ips = ["%d.%d.%d.%d" % (rng.choice([13, 52, 34, 35]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))]
            a.devices = ["Chrome/macOS"]
            self.finish(a, date_between(rng, 2007, 2012))
            out.append(a)
        return out

    def news_posts(self, news):
        rng = self.rng
        wire = [words(rng, "en", rng.randrange(7, 14)).capitalize() for _ in range(DAYS * 40)]
        chain_accts = [a for a in news if a.detail == "chain"]
        for a in news:
            per_day = rng.lognormvariate(1.6, 0.6) if a.detail != "chain" else 10
            n = int(per_day * DAYS)
            lang = a.langs[0][0]
            dom = a.url.replace("https://www.", "")
            for _ in range(n):
                t = self.local_time(a)
                if lang == "en" and rng.random() < 0.25:
                    head = wire[min(len(wire) - 1, (t - T0) // (86400 // 40))]  # AP/Reuters wire copy
                    t += rng.randrange(0, 1800)
                else:
                    head = words(rng, lang, rng.randrange(7, 15))
                    head = head[:1].upper() + head[1:]
                if a.detail == "state_media":
                    if rng.random() < 0.4:
                        head = rng.choice(OP_EN_SUBJ) + " " + rng.choice(OP_EN_VERB) + " " + rng.choice(OP_EN_OBJ) + ", says spokesperson"
                url = "https://www.%s/%s/%s" % (dom, dt.datetime.fromtimestamp(t, UTC).strftime("%Y/%m/%d"),
                                                "-".join(head.lower().split()[:6]) or "%x" % rng.getrandbits(32))
                a.group.append((head, url))
                u = tracked(rng, url)
                tags = [rng.choice(["HongKong", "breaking", "world", "business"])] if rng.random() < 0.15 else []
                self.post(a, t, head + " " + u, lang, tags=tags, urls=[u])
        # the chain posts the same headline from every paper within a couple of minutes
        if chain_accts:
            for d in range(DAYS):
                for k in range(rng.randrange(6, 12)):
                    head = words(rng, "en", rng.randrange(8, 14)).capitalize()
                    t = T0 + d * 86400 + rng.randrange(86400)
                    for a in chain_accts:
                        if rng.random() < 0.85:
                            url = "https://www.%s/story/%s" % (a.url.replace("https://www.", ""), "-".join(head.lower().split()[:5]))
                            self.post(a, t + rng.randrange(0, 120), head + " " + url, "en", urls=[url])

    # ---- benign bots -------------------------------------------------------------------------
    def make_bots(self, count):
        rng = self.rng
        out = []
        n_weather = max(5, count // 5)
        n_quake = max(3, count // 25)
        n_rtbot = max(3, count // 20)
        dev_created = date_between(rng, 2011, 2015)
        cities = ["London", "Paris", "Tokyo", "NYC", "LA", "Chicago", "Sydney", "Berlin", "Madrid",
                  "Rome", "Seoul", "HongKong", "Taipei", "Toronto", "Boston", "Dublin", "Oslo", "Lima",
                  "Bogota", "Cairo", "Lagos", "Delhi", "Mumbai", "Manila", "Jakarta", "Bangkok",
                  "Hanoi", "Denver", "Austin", "Miami", "Seattle", "Vienna", "Prague", "Warsaw",
                  "Athens", "Lisbon", "Zurich", "Munich", "Osaka", "Kyoto", "Perth", "Auckland"]
        for i in range(count):
            if i < n_weather:
                a = self.new_acct("benign_bot", "weather")
                c = cities[i % len(cities)] + ("" if i < len(cities) else str(i))
                a.screen = self.uniq(c + "Weather" if rng.random() < 0.5 else "weather_" + c.lower())
                a.display = c + " Weather"
                a.desc = "Automated hourly weather for " + c + ". Bot by @wxbotdev"
                a.clients = ["wxbot publisher"]
                self.finish(a, dev_created + rng.randrange(0, 2 * 86400))  # registered in one sitting
            elif i < n_weather + n_quake:
                a = self.new_acct("benign_bot", "quake")
                a.screen = self.uniq(rng.choice(["Quake", "Earthquake", "Sismo", "EQ"]) + rng.choice(["Bot", "Alerts", "Tracker", "Watch"]) + rng.choice(["", "SF", "JP", "World", "CA", "TW"]))
                a.display = a.screen
                a.desc = "Automated earthquake alerts from USGS data. Not official."
                a.clients = [rng.choice(["IFTTT", "quakebot", "Twitter API"])]
                self.finish(a, date_between(rng, 2009, 2017))
            elif i < n_weather + n_quake + n_rtbot:
                a = self.new_acct("benign_bot", "rt_bot")
                a.screen = self.uniq(rng.choice(["HK_news_rt", "kpop_rt_bot", "100DaysBot", "btc_rt", "WomenInSTEMbot", "HKUpdatesRT", "travel_rt"]))
                a.display = a.screen
                a.desc = "I retweet posts with a hashtag. Bot."
                a.clients = ["retweetbot-py"]
                self.finish(a, date_between(rng, 2014, 2019))
            else:
                a = self.new_acct("benign_bot", "scheduled")
                first = rng.choice(FIRST)
                a.screen = self.uniq(rng.choice(["Daily", "Hourly", "Your", "Every"]) + rng.choice(["Quotes", "Horoscope", "Verse", "Haiku", "Cat", "Fact", "Word", "Stoic", "Crypto"]) + rng.choice(["", "Bot", str(rng.randrange(10, 99)), first]))
                a.display = a.screen
                a.desc = rng.choice(["Posting a new one every day", "Automated account", "", "Inspiration daily ✨"])
                a.clients = [rng.choice(["Buffer", "Hootsuite Inc.", "IFTTT", "Twittascope", "dlvr.it", "Cheap Bots, Done Quick!", "Zapier.com"])]
                self.finish(a, date_between(rng, 2010, 2019))
            a.followers = int(rng.lognormvariate(6, 2))
            a.following = rng.randrange(0, 50)
            a.alang = "en"
            a.langs = [("en", 1.0)]
            a.reach = 0.3
            a.ips = ["%d.%d.%d.%d" % (rng.choice([13, 52, 34, 35, 159, 45]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))]
            a.devices = ["python-requests/2.22"]
            out.append(a)
        return out

    def bot_posts(self, bots):
        rng = self.rng
        quake_events = []
        t = T0
        while t < T1:
            t += int(rng.expovariate(1 / 5400))
            mag = round(2.5 + rng.expovariate(1.3), 1)
            place = "%dkm %s of %s" % (rng.randrange(1, 120), rng.choice(["N", "S", "E", "W", "NE", "SSW", "ENE"]), rng.choice(["Hualien City, Taiwan", "Ridgecrest, CA", "Anchorage, Alaska", "Tokyo, Japan", "Santiago, Chile", "Jakarta, Indonesia", "The Geysers, CA"]))
            quake_events.append((t, mag, place, "us70%05x" % rng.getrandbits(20)))
        for a in bots:
            if a.detail == "weather":
                step = rng.choice([3600, 3 * 3600, 3 * 3600])
                off = rng.randrange(0, 5)
                c = a.display.replace(" Weather", "")
                for t in range(T0 + off * 60, T1, step):
                    txt = "%s: %d°C, %s, wind %d km/h %s, humidity %d%% #%s #weather" % (c, rng.randrange(5, 35), rng.choice(["clear", "partly cloudy", "light rain", "overcast", "sunny"]), rng.randrange(0, 40), rng.choice(["N", "NE", "SW", "W"]), rng.randrange(30, 100), c)
                    self.post(a, t + rng.randrange(0, 25), txt, "en", tags=[c, "weather"])
            elif a.detail == "quake":
                thr = rng.choice([2.5, 3.5, 4.5])
                for (t, mag, place, eid) in quake_events:
                    if mag >= thr:
                        url = "https://earthquake.usgs.gov/earthquakes/eventpage/" + eid
                        txt = "M %.1f - %s %s" % (mag, place, url) if rng.random() < 0.9 else "Earthquake M%.1f %s #earthquake %s" % (mag, place, url)
                        self.post(a, t + rng.randrange(60, 400), txt, "en", urls=[url], tags=["earthquake"] if "#" in txt else [])
            elif a.detail == "scheduled":
                times = sorted(rng.sample(range(0, 86400, 900), rng.randrange(1, 5)))
                for d in range(DAYS):
                    for s in times:
                        txt = rng.choice(["Quote of the day: ", "Today's word: ", "Daily fact: ", "", "✨ "]) + words(rng, "en", rng.randrange(5, 14))
                        self.post(a, T0 + d * 86400 + s + rng.randrange(0, 40), txt, "en")

    # ---- fans ---------------------------------------------------------------------------------
    def make_fans(self, count):
        rng = self.rng
        celebs = []
        for scr, disp, lang, tz in [("BTS_twt", "방탄소년단", "ko", 9), ("taylorswift13", "Taylor Swift", "en", -5),
                                    ("ArianaGrande", "Ariana Grande", "en", -8), ("Cristiano", "Cristiano Ronaldo", "pt", 1),
                                    ("BLACKPINK", "BLACKPINK", "ko", 9), ("shakira", "Shakira", "es", 1),
                                    ("ShawnMendes", "Shawn Mendes", "en", -5), ("weareoneEXO", "EXO", "ko", 9)]:
            a = self.new_acct("organic", "celebrity")
            a.screen, a.display, a.alang, a.tz = self.uniq(scr), disp, lang, tz
            a.langs = [(lang, 0.6), ("en", 0.4)]
            a.followers = int(rng.uniform(2e7, 8e7))
            a.following = rng.randrange(10, 300)
            a.desc = "Official account"
            a.clients = ["Twitter for iPhone", "Twitter Media Studio"]
            a.hours = human_hours(rng)
            a.reach = 0.0  # their posts reach the pool through the cascades below
            a.ips = [ip_in(rng, rng.choice(RESIDENTIAL["US"]))]
            a.devices = ["iPhone"]
            self.finish(a, date_between(rng, 2009, 2013))
            celebs.append(a)
        fans = []
        langs = [("en", 0.4), ("es", 0.15), ("pt", 0.12), ("in", 0.1), ("th", 0.08), ("ko", 0.08), ("ja", 0.07)]
        region_of = {"en": "US", "es": "BR", "pt": "BR", "in": "ID", "th": "ID", "ko": "JP", "ja": "JP"}
        tz_of = {"en": [-5, -8, 0, -6], "es": [-5, -3, 1], "pt": [-3], "in": [7], "th": [7], "ko": [9], "ja": [9]}
        i = 0
        while i < count:
            lang = rng.choices([l for l, _ in langs], weights=[w for _, w in langs])[0]
            fav = rng.sample(celebs, rng.choice([1, 1, 1, 2]))
            multi = rng.random() < 0.04  # one fan with several voting accounts made the same day
            k = rng.randrange(2, 5) if multi else 1
            created = date_between(rng, 2012, 2019) if rng.random() < 0.6 else rng.randrange(T0 - 400 * 86400, T0 - 86400)
            tz = rng.choice(tz_of[lang])
            hrs = human_hours(rng, night_shift=rng.choice([0, 1, 2]))
            for j in range(k):
                a = self.new_acct("fan", "multi_account" if multi else "")
                bias = rng.choice(["jimin", "tae", "jk", "swift", "ari", "cr7", "lisa", "jennie", "shawn", "kai", "suga", "rosie"])
                a.screen = self.uniq(rng.choice([bias + rng.choice(["s", "ie", "_", "x"]) + rng.choice(["luv", "bby", "moon", "angel", "world"]) + str(rng.randrange(1, 99)),
                                                  bias + "_" + rng.choice(FIRST).lower(), handle_default(rng, rng.choice(FIRST), rng.choice(LAST))]))
                a.display = rng.choice([bias + " 💜", "✨" + rng.choice(FIRST) + "✨", rng.choice(FIRST) + " | " + bias + " stan", "ia"])
                a.desc = rng.choice(["she/her | " + bias + " ❤", "stan account", "fan account", "", "ot7 💜", "mi vida es " + bias])
                a.followers = int(rng.lognormvariate(5, 1.5))
                a.following = int(rng.lognormvariate(6, 1.0))
                a.alang = {"in": "id"}.get(lang, lang)
                a.tz = tz
                a.langs = [(lang, 0.6), ("en", 0.4)] if lang != "en" else [("en", 1.0)]
                a.clients = [rng.choice(["Twitter for iPhone", "Twitter for Android"])]
                a.hours = hrs
                a.weekend = 1.2
                a.reach = 0.2
                a.group = fav
                give_ips(rng, a, region_of[lang], vpn=0.02)
                if multi and j:
                    a.ips = fans[-1].ips[:]
                self.finish(a, created + rng.randrange(0, 3600 * 3) if multi else created)
                fans.append(a)
                i += 1
        return celebs, fans

    def fan_activity(self, celebs, fans):
        rng = self.rng
        by_celeb = {c.idx: [f for f in fans if c in f.group] for c in celebs}
        for c in celebs:
            base = by_celeb[c.idx]
            for _ in range(int(DAYS * rng.uniform(1.5, 5))):
                t = self.local_time(c)
                txt = words(rng, c.langs[0][0] if rng.random() < 0.6 else "en", rng.randrange(3, 12)) + rng.choice(["", " 💜", " 🎶", " https://youtu.be/%x" % rng.getrandbits(40)])
                o = self.post(c, t, txt, c.langs[0][0], pool_w=0)
                if not o:
                    continue
                frac = rng.uniform(0.03, 0.2)
                for f in base:
                    if rng.random() < frac:
                        # notifications on: a good share within the first minute, long tail after
                        d = int(rng.expovariate(1 / 25)) if rng.random() < 0.35 else int(rng.lognormvariate(7.2, 1.6))
                        if rng.random() < 0.85:
                            self.post(f, t + 3 + d, "", "", kind="rt", ref=o)
                        else:
                            self.post(f, t + 20 + d, rng.choice(["I LOVE YOU", "omg", "😭😭😭", "BEST", "te amo", "sarang"]) + rng.choice(["", "!!", " 💜", " 😭"]), f.langs[0][0], kind="reply", ref=o)
        # voting / streaming parties at announced times: identical vote tweets
        for c in celebs:
            base = by_celeb[c.idx]
            for d in range(0, DAYS, rng.choice([2, 3, 4])):
                start = T0 + d * 86400 + rng.randrange(0, 24) * 3600
                tmpl = ["I'm voting for #%s for #TeenChoice #ChoiceInternationalArtist @TeenChoiceFOX" % c.screen.split("_")[0],
                        "#%s for #TeenChoice #ChoiceMaleArtist @TeenChoiceFOX" % c.screen.split("_")[0],
                        "I vote #%s for #BestFanArmy #iHeartAwards" % c.screen.split("_")[0]]
                tags = [x.strip("#@") for x in tmpl[0].split() if x.startswith("#")]
                for f in base:
                    if rng.random() < 0.3:
                        for _ in range(rng.choice([1, 1, 2, 3, 5])):
                            txt = rng.choice(tmpl)
                            self.post(f, start + int(rng.expovariate(1 / 900)), txt, "en", tags=[x.strip("#") for x in txt.split() if x.startswith("#")])

    # ---- activists ----------------------------------------------------------------------------
    def make_activists(self, count):
        rng = self.rng
        out = []
        n_lead = max(5, count // 50)
        for i in range(count):
            leader = i < n_lead
            a = self.new_acct("activist", "leader" if leader else "")
            diaspora = rng.random() < 0.15
            a.tz = rng.choice([-8, -5, 0, 10]) if diaspora else 8
            region = {-8: "US", -5: "US", 0: "GB", 10: "AU"}.get(a.tz, "HK") if diaspora else "HK"
            a.langs = [("zh", 0.6), ("en", 0.35), ("ja", 0.05)] if not diaspora else [("en", 0.6), ("zh", 0.4)]
            first, last = rng.choice(FIRST), rng.choice(LAST)
            new = (not leader) and rng.random() < 0.4  # the summer-2019 joining wave
            if new:
                # joins cluster on protest days, spread over ten weeks, not one burst
                peak = rng.choice([dt.datetime(2019, 6, 10), dt.datetime(2019, 6, 13), dt.datetime(2019, 7, 2), dt.datetime(2019, 7, 22), dt.datetime(2019, 6, 17), dt.datetime(2019, 8, 6)])
                created = int(peak.replace(tzinfo=UTC).timestamp()) + int(rng.expovariate(1 / (4 * 86400)))
                created = min(created, T0 + 25 * 86400)
                a.screen = self.uniq(handle_default(rng, first, last) if rng.random() < 0.5 else handle_chosen(rng, first, last))
                a.desc = "" if rng.random() < 0.55 else rng.choice(["香港人", "Hongkonger", "光復香港 時代革命", "HK 🇭🇰", "Stand with HK"])
                a.display = rng.choice([first, first + " " + last, "香港人", "HKer", ""])
                a.followers = int(rng.lognormvariate(2.3, 1.2))
                a.following = int(rng.lognormvariate(4.5, 0.8))
            else:
                created = date_between(rng, 2009, 2019)
                a.screen = self.uniq(handle_chosen(rng, first, last))
                a.desc = rng.choice(["香港人。", "Hongkonger | journalist", "Lawmaker", "Student activist", "Photographer in HK", words(rng, "en", 6), "民主派"]) if leader or rng.random() < 0.7 else ""
                a.display = first + " " + last if rng.random() < 0.7 else rng.choice(ZH_NAMES)
                a.followers = int(rng.lognormvariate(11.5, 1.0)) if leader else int(rng.lognormvariate(4.5, 1.5))
                a.following = int(rng.lognormvariate(5.5, 1))
            a.loc = rng.choice(["Hong Kong", "香港", "HK", "", "Kowloon", "New Territories"]) if not diaspora else rng.choice(["London", "Vancouver", "Sydney", "Taipei", ""])
            a.alang = rng.choice(["zh-tw", "zh-hk", "en", "en"])
            a.clients = [rng.choice(["Twitter for iPhone", "Twitter for Android", "Twitter for iPhone", "Twitter Web App"])]
            a.hours = human_hours(rng, night_shift=1)
            a.weekend = 1.4
            a.reach = 80.0 if leader else 0.5
            give_ips(rng, a, region, vpn=0.15)
            self.finish(a, created)
            out.append(a)
        return out

    def activist_activity(self, acts):
        rng = self.rng
        leaders = [a for a in acts if a.detail == "leader"]
        rank = [a for a in acts if a.detail != "leader"]
        hot_days = {6, 12, 19, 21, 27}  # 21 Jul (Yuen Long), 27 Jul, 5 Aug strike, 11 Aug
        for L in leaders:
            for _ in range(int(DAYS * rng.uniform(1.5, 4))):
                d = rng.choice(list(hot_days)) if rng.random() < 0.3 else rng.randrange(DAYS)
                t = self.local_time(L, day=d)
                lang = rng.choice(["zh", "en", "en"])
                txt = (rng.choice(ACT_ZH) if lang == "zh" else rng.choice(ACT_EN)) + " " + words(rng, lang, rng.randrange(3, 12))
                tags = rng.sample(HK_TAGS, rng.randrange(0, 3))
                txt += "".join(" #" + x for x in tags)
                o = self.post(L, t, txt, lang, tags=tags)
                if not o:
                    continue
                frac = rng.uniform(0.005, 0.03) * (2 if d in hot_days else 1)
                for a in rank:
                    if rng.random() < frac:
                        dl = int(rng.expovariate(1 / 40)) if rng.random() < 0.25 else int(rng.lognormvariate(6.3, 1.5))
                        self.post(a, t + 5 + dl, "", "", kind="rt", ref=o)
        # announced hashtag campaigns (LIHKG / Telegram: "tonight 9pm HKT, tag foreign leaders")
        for d in [2, 6, 11, 16, 20, 24]:
            start = T0 + d * 86400 + (21 - 8) * 3600
            tags = rng.sample(["StandWithHongKong", "FreeHongKong", "HongKongProtests", "antiELAB", "G20HK", "SOSHK"], 2)
            pols = rng.sample(FOREIGN_POLITICIANS, 3)
            tmpls = []
            for _ in range(rng.randrange(3, 6)):
                body = rng.choice(["Hong Kong needs your help.", "Please pass the Hong Kong Human Rights and Democracy Act.",
                                   "Police are using tear gas on peaceful citizens.", "Save Hong Kong before it is too late.",
                                   "香港人需要你的支持", "We will not give up. Five demands, not one less."])
                tmpls.append(body + " " + " ".join("#" + x for x in tags))
            petition = "https://www.change.org/p/%x" % rng.getrandbits(40)
            for a in acts:
                if rng.random() < 0.45:
                    for _ in range(rng.choice([1, 1, 2, 3])):
                        txt = rng.choice(tmpls)
                        urls = []
                        if rng.random() < 0.3:
                            urls = [petition + rng.choice(["?recruiter=%d&utm_source=share_petition&utm_medium=twitter" % rng.randrange(10 ** 8, 10 ** 9), "?utm_source=share_petition&utm_medium=twitter&utm_campaign=psf_combo_share_initial", ""])]
                            txt += " " + urls[0]
                        ment = rng.sample(pols, rng.randrange(1, 4))
                        txt = " ".join("@" + m[1] for m in ment) + " " + txt
                        ment = [m[0] for m in ment]
                        if rng.random() < 0.2:
                            txt += rng.choice([" 🙏", " 🇭🇰", " !!!", " 加油"])
                        self.post(a, start + int(rng.expovariate(1 / 1200)), txt, "en" if txt.isascii() else "zh", tags=tags, urls=urls, mentions=ment)
        # own posts: originals and replies, mostly evening/night, more on hot days
        for a in rank:
            n = max(1, int(rng.lognormvariate(2.2, 1.1)))
            for _ in range(n):
                d = rng.choice(list(hot_days)) if rng.random() < 0.3 else rng.randrange(DAYS)
                t = self.local_time(a, day=d)
                lang = rng.choices([l for l, _ in a.langs], weights=[w for _, w in a.langs])[0]
                r = rng.random()
                if r < 0.2:
                    o = self.pick_from_pool(t, lang, exclude=a.idx)
                    if o:
                        self.post(a, max(t, o[2] + 60), words(rng, lang, rng.randrange(3, 12)), lang, kind="reply", ref=o)
                    continue
                txt = (rng.choice(ACT_ZH) if lang == "zh" else rng.choice(ACT_EN) if lang == "en" else "") + " " + words(rng, lang, rng.randrange(2, 12))
                if rng.random() < 0.15:
                    txt = rng.choice(ACT_ZH + ACT_EN)  # the slogan alone, copied by thousands
                tags = rng.sample(HK_TAGS, rng.randrange(0, 3))
                txt += "".join(" #" + x for x in tags)
                self.post(a, t, txt, lang, tags=tags)

    # ---- state operation ----------------------------------------------------------------------
    def make_op(self, n_core, n_amp, moderate=False):
        """moderate=True (small_op): fewer batch days, more personas, a looser shift schedule."""
        rng = self.rng
        core, amps = [], []
        batches = [date_between(rng, 2017, 2018) for _ in range(3 if moderate else 12)]
        n_cells = max(2, n_amp // 40)
        cells = [[] for _ in range(n_cells)]
        cell_pool = [[rng.choice(HOSTING) % (rng.randrange(256), rng.randrange(256)) for _ in range(rng.randrange(3, 8))] for _ in range(n_cells)]
        for i in range(n_core + n_amp):
            is_core = i < n_core
            a = self.new_acct("op_core" if is_core else "op_amplifier")
            r = rng.random()
            origin = "bought" if r < (0.45 if is_core else 0.3) else ("batch2017" if r < (0.65 if moderate else 0.8) else "fresh")
            a.detail = origin
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if origin == "bought":
                created = date_between(rng, 2009, 2017)
                a.alang = rng.choice(["en", "en", "es", "ru", "pt", "id", "ar", "zh-cn"])
                a.screen = self.uniq(rng.choice([handle_chosen(rng, first, last), first.lower() + last.lower()[:4] + str(rng.randrange(1, 99))]))
                a.followers = int(rng.lognormvariate(8.5, 2.0)) if is_core else int(rng.lognormvariate(3, 1.5))
            elif origin == "batch2017":
                created = rng.choice(batches) + rng.randrange(0, 3 * 86400)
                a.alang = rng.choice(["zh-cn", "zh-cn", "zh-cn", "en"])
                a.screen = self.uniq(rng.choice([rng.choice(PINYIN) + rng.choice(PINYIN_G) + str(rng.randrange(1, 999)),
                                                  rng.choice(PINYIN_G) + rng.choice(PINYIN) + rng.choice(["", "xia", "ge", "jie"]),
                                                  handle_default(rng, rng.choice(PINYIN).capitalize(), "")]))
                a.followers = int(rng.lognormvariate(2, 1.5))
            else:
                created = rng.randrange(T0 - 70 * 86400, T0 + 10 * 86400)
                a.alang = rng.choice(["zh-cn", "en", "zh-tw"])
                a.screen = self.uniq(handle_default(rng, first, last) if rng.random() < 0.6 else handle_chosen(rng, first, last))
                a.followers = int(rng.lognormvariate(1.2, 1.2))
            a.following = int(rng.lognormvariate(4.2, 1.0))
            persona = rng.random() < (0.8 if is_core else (0.6 if moderate else 0.35))
            if persona:
                a.display = rng.choice(ZH_NAMES + [first + " " + last, first + " Chan", first + " Wong"])
                a.loc = rng.choice(["Hong Kong", "香港", "Hong Kong", "中国", "Kowloon", "Shenzhen", "California, USA", ""])
                a.desc = rng.choice(["热爱祖国，热爱香港", "Love HK, love China ❤", "一个普通的香港市民", "生活就是这样",
                                     "Proud Hongkonger. Peace and order.", "摄影爱好者", "Just a normal person", "和平理性",
                                     "Traveller | foodie | HK", words(rng, "zh", 4)])
            else:
                a.display = rng.choice([first, a.screen, rng.choice(ZH_NAMES)]) if origin == "bought" else rng.choice([a.screen, rng.choice(PINYIN) + rng.choice(PINYIN_G), ""])
                a.loc = "" if origin != "bought" else rng.choice(["", "", "Texas, USA", "Jakarta", "Moscow"])
                a.desc = "" if origin != "bought" else rng.choice(["", "", "Follow for follow", words(rng, "en", 5)])
            a.tz = 8
            a.langs = [("zh", 0.7), ("en", 0.3)]
            a.clients = [rng.choice(["Twitter Web Client", "Twitter Web Client", "Twitter for Android", "Twitter for iPhone", "Twitter Web App"])]
            # shift work in Beijing time: weekday office hours, some evening shifts
            evening = rng.random() < (0.5 if moderate else 0.25)
            a.hours = [OFFICE_HOURS[h] + (1.2 if evening and 19 <= h <= 22 else 0) for h in range(24)]
            a.weekend = 0.6 if moderate else 0.3
            a.reach = 0.4 if is_core else 0.1
            if is_core:
                a.ips = [rng.choice(HOSTING) % (rng.randrange(256), rng.randrange(256)) for _ in range(2)]
                a.group = None
            else:
                c = i % n_cells
                cells[c].append(a)
                a.group = c
                a.ips = rng.sample(cell_pool[c], min(len(cell_pool[c]), rng.randrange(1, 4)))
            if rng.random() < 0.25:  # Twitter: some logged in from unblocked mainland IPs
                a.ips.append(ip_in(rng, rng.choice(RESIDENTIAL["CN"])))
            if rng.random() < 0.3:
                a.ips.append(rng.choice(VPN_EXITS) % rng.randrange(1, 60))
            a.devices = ["Chrome/Windows"] if rng.random() < 0.7 else [rng.choice(["Android", "iPhone", "Chrome 75/Windows 10"])]
            self.finish(a, created)
            (core if is_core else amps).append(a)
        return core, amps, cells

    def op_text(self, lang):
        rng = self.rng
        if lang == "zh":
            return rng.choice(OP_ZH_PRE) + rng.choice(OP_ZH_SUBJ) + rng.choice(OP_ZH_VERB) + rng.choice(OP_ZH_OBJ) + rng.choice(OP_ZH_END)
        return rng.choice(OP_EN_SUBJ) + " " + rng.choice(OP_EN_VERB) + " " + rng.choice(OP_EN_OBJ) + rng.choice(OP_EN_END)

    def op_link(self):
        rng = self.rng
        dom, path = rng.choice(STATE_MEDIA) if rng.random() < 0.7 else rng.choice(NON_STATE_PRO)
        u = "https://" + ("www." if not dom.startswith(("news.", "youtube")) else "") + dom + path.format(d=rng.randrange(10, 31), n=rng.randrange(10000, 99999), h="%x" % rng.getrandbits(32))
        return tracked(rng, u, "wechat")

    def op_activity(self, core, amps, cells, acts, news):
        rng = self.rng
        core_posts = []
        for c in core:
            for _ in range(int(DAYS * rng.uniform(1.5, 6))):
                t = self.local_time(c)
                lang = "zh" if rng.random() < 0.68 else "en"
                txt = self.op_text(lang)
                urls, tags = [], []
                if rng.random() < 0.3:
                    urls = [self.op_link()]
                    txt += " " + urls[0]
                if rng.random() < 0.5:
                    tags = rng.sample(OP_TAGS, rng.randrange(1, 3))
                    txt += "".join(" #" + x for x in tags)
                o = self.post(c, t, txt, lang, tags=tags, urls=urls)
                if o:
                    core_posts.append(o)
        core_posts.sort(key=lambda o: o[2])
        times = [o[2] for o in core_posts]
        leaders_posts = [o for o, _ in self.originals if self.accts[o[1]].label == "activist" and self.accts[o[1]].detail == "leader"]
        sm_posts = [o for o, _ in self.originals if self.accts[o[1]].detail == "state_media"]
        n_core = len(core)
        # each cell mainly boosts a handful of core personas
        cell_targets = [set(rng.sample(range(n_core), min(n_core, rng.randrange(6, 14)))) for _ in cells]
        core_idx = {c.idx: k for k, c in enumerate(core)}
        for ci, cell in enumerate(cells):
            if not cell:
                continue
            manual = rng.random() < 0.6
            op_hours = [OFFICE_HOURS[h] for h in range(24)]
            # sessions: the operator works through part of the cell, one account after another
            for d in range(DAYS):
                wd = d % 7
                n_sess = rng.randrange(2, 6) if wd < 5 else rng.randrange(0, 2)
                for _ in range(n_sess):
                    h = rng.choices(range(24), weights=op_hours)[0]
                    ts = T0 + d * 86400 + (h - 8) * 3600 + rng.randrange(3600)
                    k0 = bisect.bisect_left(times, ts - rng.choice([2, 4, 8, 16]) * 3600)
                    k1 = bisect.bisect_left(times, ts)
                    recent = [o for o in core_posts[k0:k1] if core_idx[o[1]] in cell_targets[ci] or rng.random() < 0.1]
                    if not recent:
                        continue
                    members = rng.sample(cell, max(1, int(len(cell) * rng.uniform(0.2, 0.6))))
                    t = ts
                    for a in members:
                        picks = rng.sample(recent, min(len(recent), rng.randrange(1, 4)))
                        for o in picks:
                            if manual:
                                t += rng.randrange(15, 150)
                                tt = t
                            else:
                                tt = o[2] + int(rng.lognormvariate(7.5, 1.2))  # scheduler: minutes to hours
                            if tt > o[2]:
                                self.post(a, tt, "", "", kind="rt", ref=o)
                        r = rng.random()
                        t += rng.randrange(20, 120)
                        if r < 0.35:
                            # paraphrase or copy of a recent core text
                            base = rng.choice(recent)
                            if rng.random() < 0.4:
                                txt, lang = base[3], base[6]
                            else:
                                lang = base[6]
                                txt = self.op_text(lang)
                            tags = rng.sample(OP_TAGS, rng.randrange(0, 3))
                            urls = [self.op_link()] if rng.random() < 0.2 else []
                            txt2 = txt + "".join(" " + u for u in urls) + "".join(" #" + x for x in tags if "#" + x not in txt)
                            self.post(a, t, txt2, lang, tags=list(base[4]) + tags, urls=urls, pool_w=0.05)
                        elif r < 0.5 and leaders_posts:
                            o = rng.choice(leaders_posts)
                            if o[2] < t:
                                self.post(a, t, rng.choice(["你们这些暴徒可耻", "Stop lying to the world", "收了多少钱？", "香港不需要你们", "Shame on you", "滚出香港"]), "zh", kind="reply", ref=o)
                        elif r < 0.7 and sm_posts:
                            o = rng.choice(sm_posts)
                            if o[2] < t:
                                self.post(a, t, "", "", kind="rt", ref=o)
                        elif r < 0.8:
                            self.post(a, t, rng.choice(OP_FILLER), "zh", pool_w=0.02)
        # core accounts also reply to and quote the movement's leaders and foreign news
        for c in core:
            for _ in range(rng.randrange(0, 15)):
                src = leaders_posts + sm_posts
                if not src:
                    break
                o = rng.choice(src)
                t = o[2] + int(rng.lognormvariate(8, 1))
                lang = "zh" if rng.random() < 0.6 else "en"
                self.post(c, t, self.op_text(lang), lang, kind=rng.choice(["reply", "quote"]), ref=o)

    # ---- spam network -------------------------------------------------------------------------
    def make_spam(self, n_spam, customers):
        rng = self.rng
        out = []
        batches = [int(dt.datetime(2017, 1, 1, tzinfo=UTC).timestamp()) + rng.randrange(0, 920 * 86400) for _ in range(max(2, n_spam // 150))]
        proxies = ["%s" % (rng.choice(HOSTING) % (rng.randrange(256), rng.randrange(256))) for _ in range(max(5, n_spam // 25))]
        for i in range(n_spam):
            a = self.new_acct("spam_amplifier")
            first, last = rng.choice(FIRST), rng.choice(LAST)
            b = batches[i % len(batches)] if rng.random() < 0.85 else date_between(rng, 2012, 2019)
            a.screen = self.uniq((first + last)[:rng.randrange(5, 11)] + "".join(rng.choice("0123456789") for _ in range(rng.choice([4, 5, 6, 8]))))
            a.display = first + " " + last if rng.random() < 0.8 else first
            a.desc = "" if rng.random() < 0.65 else rng.choice(["Crypto enthusiast 🚀", "Follow back 100%", "Love life ❤", "Entrepreneur | Investor", "#TeamFollowBack"])
            a.loc = "" if rng.random() < 0.7 else rng.choice(["USA", "London", "Lagos", "Jakarta", "Manila"])
            a.followers = int(rng.lognormvariate(3.5, 1.2))
            a.following = int(rng.lognormvariate(6.5, 0.8))
            a.alang = "en"
            a.langs = [("en", 1.0)]
            a.clients = [rng.choice(["Twitter for Android", "Twitter for Android", "Twitter Web App", "Twitter Web App", "SocialBoost"])]
            a.hours = [1.0] * 24
            a.weekend = 1.4
            a.reach = 0.05
            a.ips = rng.sample(proxies, 2) if rng.random() < 0.6 else [ip_in(rng, rng.choice(RESIDENTIAL[rng.choice(["US", "BR", "ID", "IN"])]))]
            a.devices = [rng.choice(["Android", "Android SDK built for x86", "Chrome/Windows"])]
            self.finish(a, b + rng.randrange(0, 2 * 86400))
            out.append(a)
        for c in customers:
            c.label = "customer"  # real people who paid for fake engagement
            c.detail = "customer"
        return out

    def spam_activity(self, spam, customers):
        rng = self.rng
        for c in customers:
            for _ in range(int(DAYS * rng.uniform(0.5, 2))):
                t = self.local_time(c)
                txt = words(rng, c.langs[0][0], rng.randrange(5, 15))
                if rng.random() < 0.4:
                    txt += " https://%s.%s/%x" % (rng.choice(["shop", "get", "go", "my"]), rng.choice(["io", "com", "store"]), rng.getrandbits(24))
                o = self.post(c, t, txt, c.langs[0][0])
                if not o or rng.random() < 0.7:
                    continue
                order = min(len(spam), rng.choice([50, 100, 100, 250, 500]))
                drip = rng.random() < 0.25
                workers = rng.sample(spam, order)
                for k, s in enumerate(workers):
                    d = int(rng.uniform(0, rng.uniform(1, 6) * 3600)) if drip else 2 + int(k * rng.uniform(0.2, 1.5)) + int(rng.expovariate(1 / 10))
                    self.post(s, t + d, "", "", kind="rt", ref=o)
        # own spam: crypto giveaways with random tokens, follow-back trains, filler
        for s in spam:
            for _ in range(int(rng.lognormvariate(1.6, 0.9))):
                t = T0 + rng.randrange(DAYS * 86400)
                r = rng.random()
                if r < 0.5:
                    u = "https://bit.ly/%s" % "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789") for _ in range(7))
                    txt = rng.choice(["🚀 Huge #airdrop live now, claim your free tokens", "Join the #BTC giveaway today", "Earn $500 a day from home, ask me how"]) + " " + u + " " + "%04x" % rng.getrandbits(16)
                    tags = [x.strip("#,") for x in txt.split() if x.startswith("#")]
                    self.post(s, t, txt, "en", tags=tags, urls=[u], pool_w=0.01)
                elif r < 0.7:
                    self.post(s, t, "#FollowBack #TeamFollowBack #F4F follow everyone who retweets", "en", tags=["FollowBack", "TeamFollowBack", "F4F"], pool_w=0.01)
                else:
                    self.post(s, t, words(rng, "en", rng.randrange(4, 10)), "en", pool_w=0.01)

    # ---- rt bots ---------------------------------------------------------------------------------
    def rt_bot_activity(self, bots):
        rng = self.rng
        tag_of = {"HK_news_rt": "hongkong", "HKUpdatesRT": "hongkong", "kpop_rt_bot": "teenchoice", "100DaysBot": "100daysofcode",
                  "btc_rt": "bitcoin", "WomenInSTEMbot": "climate", "travel_rt": "travel"}
        idx = {}
        for o, _ in self.originals:
            for tg in o[4]:
                idx.setdefault(tg.lower(), []).append(o)
        for b in bots:
            if b.detail != "rt_bot":
                continue
            tg = tag_of.get(b.screen.rstrip("0123456789"), "travel")
            posts = idx.get(tg, [])
            if len(posts) > 1500:
                posts = rng.sample(posts, 1500)
            for o in posts:
                self.post(b, o[2] + rng.randrange(5, 90), "", "", kind="rt", ref=o)

    # ---- logins ----------------------------------------------------------------------------------
    def make_logins(self):
        rng = self.rng
        post_times = {}
        for r in self.rows:
            post_times.setdefault(r[1], []).append(r[2])
        for a in self.accts:
            ts = post_times.get(a.idx)
            if not ts:
                continue
            n = min(40, 1 + len(ts) // 15)
            for t in rng.sample(ts, min(n, len(ts))):
                ip = rng.choice(a.ips) if a.ips else "203.0.113.1"
                if ip.count(".") != 3:
                    continue
                self.logins.append((a.uid, t - rng.randrange(0, 1800), ip, rng.choice(a.devices or ["iPhone"])))


    # ==== troll_farm: IRA-style foreign troll farm in a US population ============================
    def make_partisans(self, count):
        """Genuine US partisan communities (right and left), each with leaders (pundits, organisers)."""
        rng = self.rng
        out = []
        n_lead = max(4, count // 50)
        for i in range(count):
            side = "right" if i % 2 == 0 else "left"
            leader = i < n_lead
            a = self.new_acct("activist", side + ("_leader" if leader else ""))
            a.tz = rng.choice([-5, -5, -5, -6, -6, -7, -8])
            first, last = rng.choice(FIRST[:40]), rng.choice(LAST[:40])
            a.display = first + " " + last if rng.random() < 0.7 else first + rng.choice([" 🇺🇸", " ✊🏾", "", " (parody)"])
            if leader:
                a.screen = self.uniq(rng.choice([first + last, "real" + first + last[:4], first[0] + last + "Show"]))
                a.followers = int(rng.lognormvariate(11.5, 1.0))
                a.following = int(rng.lognormvariate(6.5, 1.0))
                created = date_between(rng, 2008, 2014)
            else:
                a.screen = self.uniq(handle_chosen(rng, first, last) if rng.random() < 0.8 else handle_default(rng, first, last))
                a.followers = int(rng.lognormvariate(6.0, 1.5))
                # follow-back trains: many partisan accounts sit near parity
                a.following = int(a.followers * rng.uniform(0.8, 1.3)) if rng.random() < 0.4 else int(rng.lognormvariate(6.3, 1.0))
                created = date_between(rng, 2009, 2019) if rng.random() < 0.7 else date_between(rng, 2015, 2019)
            if side == "right":
                a.desc = rng.choice(["Christian. Conservative. Patriot. #MAGA", "Wife, mom, Trump supporter 🇺🇸", "2A. Back the Blue. #KAG",
                                     "Veteran. Deplorable and proud.", "Retired. God, family, country.", ""])
                a.loc = rng.choice(["Texas, USA", "Florida", "Ohio, USA", "Arizona", "Georgia, USA", "USA", ""])
            else:
                a.desc = rng.choice(["Black. Woke. Unapologetic. #BLM", "Organizer | she/her | abolish ICE", "Resist. Persist. 🌊",
                                     "Teacher. Mom. #Resistance", "Writer | activist | Chicago", ""])
                a.loc = rng.choice(["Chicago, IL", "Atlanta, GA", "Brooklyn, NY", "Oakland, CA", "Baltimore, MD", "USA", ""])
            a.alang = "en"
            a.langs = [("en", 1.0)]
            a.clients = [rng.choice(["Twitter for iPhone", "Twitter for Android", "Twitter for iPhone", "Twitter Web App", "TweetDeck"])]
            a.hours = human_hours(rng, night_shift=rng.choice([0, 1]))
            a.weekend = rng.uniform(0.8, 1.4)
            a.reach = 60.0 if leader else 0.4
            give_ips(rng, a, "US", vpn=0.03)
            self.finish(a, created)
            out.append(a)
        return out

    def us_text(self, side, own=True):
        rng = self.rng
        if side == "right":
            s = (rng.choice(R_SUBJ) + " " + rng.choice(R_VERB) + " " + rng.choice(R_OBJ)) if own else rng.choice(R_SLOGANS)
            return s + rng.choice(R_END)
        s = (rng.choice(L_SUBJ) + " " + rng.choice(L_VERB) + " " + rng.choice(L_OBJ)) if own else rng.choice(L_SLOGANS)
        return s + rng.choice(L_END)

    def partisan_activity(self, parts):
        """Leaders post, rank-and-file retweet them fast; announced tweetstorms; follow-back trains.
        Partisans also retweet the troll personas of their side now and then (real engagement)."""
        rng = self.rng
        for s in ("right", "left"):
            leaders = [a for a in parts if a.detail == s + "_leader"]
            rank = [a for a in parts if a.detail == s]
            for L in leaders:
                for _ in range(int(DAYS * rng.uniform(3, 9))):
                    t = self.local_time(L)
                    txt = self.us_text(s, own=rng.random() < 0.8)
                    tags = [x.strip("#!.") for x in txt.split() if x.startswith("#")]
                    o = self.post(L, t, txt, "en", tags=tags)
                    if not o:
                        continue
                    frac = rng.uniform(0.005, 0.03)
                    for a in rank:
                        if rng.random() < frac:
                            dl = int(rng.expovariate(1 / 40)) if rng.random() < 0.25 else int(rng.lognormvariate(6.5, 1.5))
                            self.post(a, t + 5 + dl, "", "", kind="rt", ref=o)
            # announced tweetstorms ("9pm ET tonight, everyone tweet #X")
            for d in rng.sample(range(DAYS), 4):
                start = T0 + d * 86400 + (21 + 5) * 3600
                tag = rng.choice(R_STORM if s == "right" else L_STORM)
                tmpls = [self.us_text(s, own=False).split(" #")[0] + " #" + tag for _ in range(rng.randrange(3, 6))]
                for a in rank:
                    if rng.random() < 0.3:
                        for _ in range(rng.choice([1, 1, 2, 3])):
                            txt = rng.choice(tmpls) + rng.choice(["", "", " 🇺🇸" if s == "right" else " ✊🏾", " RT!"])
                            self.post(a, start + int(rng.expovariate(1 / 1500)), txt, "en", tags=[tag])
            # own posts, replies, follow-back trains
            for a in rank:
                for _ in range(max(1, int(rng.lognormvariate(2.0, 1.1)))):
                    t = self.local_time(a)
                    r = rng.random()
                    if r < 0.05:
                        others = rng.sample(rank, min(len(rank), rng.randrange(6, 15)))
                        txt = ("#TrumpTrain 🚂 follow these patriots: " if s == "right" else "#FBR #Resist follow back: ") + " ".join("@" + o.screen for o in others)
                        self.post(a, t, txt, "en", tags=["TrumpTrain"] if s == "right" else ["FBR", "Resist"], mentions=[o.uid for o in others])
                    elif r < 0.25:
                        o = self.pick_from_pool(t, "en", exclude=a.idx)
                        if o:
                            self.post(a, max(t, o[2] + 60), words(rng, "en", rng.randrange(3, 12)), "en", kind="reply", ref=o)
                    else:
                        txt = self.us_text(s, own=rng.random() < 0.85) if rng.random() < 0.6 else words(rng, "en", rng.randrange(4, 16))
                        self.post(a, t, txt, "en", tags=[x.strip("#!.") for x in txt.split() if x.startswith("#")])

    def partisans_retweet_stars(self, parts):
        """Real partisans retweet the troll farm's popular personas of their side (as they did)."""
        rng = self.rng
        for s in ("right", "left"):
            stars = [o for o, _ in self.originals if self.accts[o[1]].label == "troll_" + s and self.accts[o[1]].detail == "star"]
            if not stars:
                continue
            for a in parts:
                if a.detail != s:
                    continue
                for _ in range(int(rng.expovariate(1 / 1.5))):
                    o = rng.choice(stars)
                    self.post(a, o[2] + int(rng.lognormvariate(7.5, 1.5)), "", "", kind="rt", ref=o)

    def make_trolls(self, counts):
        """IRA-style troll farm: personas claiming to be American, run from St Petersburg (UTC+3)."""
        rng = self.rng
        out = []
        # operator teams: each has a shift and a small pool of proxy addresses
        teams = {}
        for cat, n in counts:
            for i in range(n):
                a = self.new_acct("troll_" + cat)
                team = (cat, i % max(1, n // 25))
                if team not in teams:
                    teams[team] = ([rng.choice(HOSTING) % (rng.randrange(256), rng.randrange(256)) for _ in range(rng.randrange(4, 9))],
                                   rng.choice(["day", "night", "night"]))
                pool, shift = teams[team]
                first, last = rng.choice(FIRST[:40]), rng.choice(LAST[:40])
                star = cat in ("right", "left") and rng.random() < 0.1
                a.detail = "star" if star else ""
                if cat == "news":
                    city = rng.choice(["Chicago", "Kansas", "Memphis", "NewOrleans", "Seattle", "SanFran", "Pittsburgh", "Houston",
                                       "Detroit", "Atlanta", "Phoenix", "Cleveland", "Baltimore", "StLouis", "Denver", "Miami"])
                    a.screen = self.uniq(rng.choice([city + "DailyNew", "Daily" + city, "Online" + city, city + "_Post", "Today" + city, city + "TopNews", city + "ON"]))
                    a.display = a.screen.replace("_", " ")
                    a.desc = rng.choice(["Breaking news and local stories from " + city, city + "'s most trusted news. Updates 24/7",
                                         "Local news, weather, sports. " + city, "Your daily dose of " + city + " news"])
                    a.loc = {"SanFran": "San Francisco, CA", "NewOrleans": "New Orleans, LA", "StLouis": "St Louis, MO"}.get(city, city + ", USA")
                    a.followers = int(rng.lognormvariate(8.5, 1.0))
                    a.following = int(a.followers * rng.uniform(0.3, 1.0))
                    a.clients = [rng.choice(["twitterfeed", "IFTTT", "dlvr.it"])]
                    created = date_between(rng, 2013, 2016)
                    a.hours = [1.0] * 24  # feeds post around the clock
                    a.weekend = 1.2
                else:
                    if cat == "right":
                        a.display = first + " " + last if rng.random() < 0.6 else rng.choice(["Tennessee GOP", "Patriot " + first, first + " 🇺🇸", "America First " + first])
                        a.desc = rng.choice(R_BIOS)
                        a.loc = rng.choice(["Nashville, TN", "Texas, USA", "Florida, USA", "Ohio", "USA", "Atlanta, GA", "Phoenix, AZ"])
                    elif cat == "left":
                        a.display = first + " " + last if rng.random() < 0.6 else rng.choice(["Black News " + first, first + " ✊🏾", "Woke " + first, "Blacktivist " + first[:1]])
                        a.desc = rng.choice(L_BIOS)
                        a.loc = rng.choice(["Chicago, IL", "Baltimore, MD", "Atlanta, GA", "New York, NY", "Ferguson, MO", "Detroit, MI", "USA"])
                    else:  # hashtag gamers and fearmongers: apolitical or vaguely American personas
                        a.display = first + " " + last if rng.random() < 0.7 else first
                        a.desc = rng.choice(["Just here for the jokes 😂", "Music. Coffee. Sarcasm.", "Mom of 2 | foodie", "Living my best life",
                                             "Sports fan. Beer lover.", "I tweet what I think", words(rng, "en", 6)])
                        a.loc = rng.choice(["New York, NY", "Los Angeles, CA", "Chicago", "USA", "Dallas, TX", "Boston", ""])
                    r = rng.random()
                    if r < 0.55:
                        a.screen = self.uniq(handle_chosen(rng, first, last))
                    elif r < 0.85:
                        a.screen = self.uniq(rng.choice([first + "_" + last, first + last]) + str(rng.randrange(1, 99)))
                    else:
                        a.screen = self.uniq(rng.choice([first + str(rng.randrange(1, 9)) + last, "hyd" + rng.choice(["rox", "dro", "ra"]) + first[:3].lower()]))
                    base = rng.lognormvariate(11.0, 0.8) if star else rng.lognormvariate(7.0, 1.3)
                    a.followers = int(base)
                    a.following = int(base * rng.uniform(0.75, 1.15)) if rng.random() < 0.7 else int(rng.lognormvariate(6.5, 1.0))
                    a.clients = [rng.choice(["Twitter Web Client", "Twitter Web Client", "TweetDeck", "Twitter for iPhone"])]
                    # accounts made over years; 15% bought or aged accounts from earlier years
                    created = date_between(rng, 2009, 2013) if rng.random() < 0.15 else date_between(rng, 2013, 2018)
                    # shift work at the farm, in Moscow time
                    if shift == "day":
                        a.hours = [3.0 if 9 <= h < 21 else 0.08 for h in range(24)]
                    else:
                        a.hours = [3.0 if (h >= 21 or h < 9) else 0.08 for h in range(24)]
                    a.weekend = 0.55
                a.tz = 3
                a.alang = "ru" if rng.random() < 0.15 else "en"  # the operator's interface language leaks
                a.langs = [("en", 1.0)]
                a.reach = 30.0 if star else (2.0 if cat == "news" else 0.3)
                a.group = team
                a.ips = rng.sample(pool, min(len(pool), rng.randrange(1, 4)))
                if rng.random() < 0.2:
                    a.ips.append(ip_in(rng, rng.choice(RESIDENTIAL["RU"])))
                if rng.random() < 0.3:
                    a.ips.append(rng.choice(VPN_EXITS) % rng.randrange(1, 60))
                a.devices = ["Chrome/Windows"] if rng.random() < 0.75 else [rng.choice(["Firefox 68/Windows 10", "Android"])]
                self.finish(a, created)
                out.append(a)
        return out

    def troll_activity(self, trolls, parts, news):
        rng = self.rng
        by = {}
        for a in trolls:
            by.setdefault(a.label[6:], []).append(a)
        surge = rng.randrange(DAYS)  # one day of massive output (the IRA had several)

        def maybe_russian(txt, lang):
            if rng.random() < 0.012:
                return rng.choice(RU_SLIPS), "ru"
            return txt, lang

        own = {}
        # right / left personas: own posts, slogans, replies to the organic community of their side
        for s in ("right", "left"):
            for a in by.get(s, []):
                n = int(DAYS * (rng.uniform(4, 12) if a.detail == "star" else rng.uniform(1, 5)))
                for _ in range(n):
                    day = surge if rng.random() < 0.08 else None
                    t = self.local_time(a, day=day)
                    txt = self.us_text(s, own=rng.random() < 0.6)
                    txt, lang = maybe_russian(txt, "en")
                    tags = [x.strip("#!.") for x in txt.split() if x.startswith("#")]
                    urls = []
                    if rng.random() < 0.15:
                        urls = ["https://" + rng.choice(R_SITES if s == "right" else L_SITES) + "/%x" % rng.getrandbits(28)]
                        txt += " " + urls[0]
                    o = self.post(a, t, txt, lang, tags=tags, urls=urls)
                    if o:
                        own.setdefault(s, []).append(o)
                leaders = [o for o, _ in self.originals if self.accts[o[1]].detail == s + "_leader"]
                for _ in range(int(DAYS * rng.uniform(0.5, 3))):
                    if leaders:
                        o = rng.choice(leaders)
                        t = o[2] + int(rng.lognormvariate(7.5, 1.5))
                        if rng.random() < 0.6:
                            self.post(a, t, "", "", kind="rt", ref=o)
                        else:
                            self.post(a, t, self.us_text(s, own=False), "en", kind="reply", ref=o)
        # hashtag gamers: their own games in bursts, entries retweeted among gamers
        gamers = by.get("hashtag", [])
        for g in range(DAYS // 2):
            if not gamers:
                break
            tag = rng.choice(GAMES)
            start = T0 + rng.randrange(DAYS) * 86400 + rng.choice([15, 16, 17, 18, 19, 20, 21]) * 3600 - 3 * 3600
            players = rng.sample(gamers, max(2, int(len(gamers) * rng.uniform(0.3, 0.8))))
            entries = []
            for a in players:
                for _ in range(rng.randrange(2, 12)):
                    txt = "%s #%s" % (words(rng, "en", rng.randrange(3, 9)).capitalize(), tag)
                    txt, lang = maybe_russian(txt, "en")
                    o = self.post(a, start + int(rng.expovariate(1 / 2400)), txt, lang, tags=[tag])
                    if o:
                        entries.append(o)
            for a in players:
                for o in rng.sample(entries, min(len(entries), rng.randrange(1, 8))):
                    if o[1] != a.idx:
                        self.post(a, o[2] + int(rng.lognormvariate(6.0, 1.2)), "", "", kind="rt", ref=o)
        # gamers also play the organic daily game and post filler
        org_games = [o for o, _ in self.originals if self.accts[o[1]].detail == "hashtag_player"]
        for a in gamers:
            for _ in range(int(DAYS * rng.uniform(0.5, 2))):
                t = self.local_time(a)
                if org_games and rng.random() < 0.4:
                    o = rng.choice(org_games)
                    self.post(a, o[2] + rng.randrange(60, 7200), "%s #%s" % (words(rng, "en", rng.randrange(3, 9)).capitalize(), o[4][0] if o[4] else "HashtagWars"), "en", tags=list(o[4]))
                else:
                    txt, lang = maybe_russian(words(rng, "en", rng.randrange(4, 14)), "en")
                    self.post(a, t, txt, lang)
        # fake local news feeds: copy real local outlets' headlines and links, minutes to hours later
        real = [o for o, _ in self.originals if self.accts[o[1]].label == "news" and self.accts[o[1]].detail in ("chain", "outlet") and o[6] == "en"]
        for a in by.get("news", []):
            for _ in range(int(DAYS * rng.uniform(8, 20))):
                if real and rng.random() < 0.7:
                    o = rng.choice(real)
                    head = o[3].split(" http")[0]
                    url = o[5][0].split("?")[0] if o[5] else ""
                    t = o[2] + int(rng.lognormvariate(7.0, 1.2))
                else:
                    t = T0 + rng.randrange(DAYS * 86400)
                    head = rng.choice(["Police: ", "Local man ", "Shooting in ", "BREAKING: ", "Officials warn "]) + words(rng, "en", rng.randrange(5, 10))
                    url = "https://" + a.screen.lower() + ".com/" + "-".join(head.lower().split()[:5])
                txt = head + (" " + url if url else "")
                o2 = self.post(a, t, txt, "en", urls=[url] if url else [])
                if o2:
                    own.setdefault("news", []).append(o2)
        # fearmongers: a hoax about a local crisis, posted and retweeted over a few hours
        fear = by.get("fearmonger", [])
        if fear:
            hoax_day = rng.randrange(3, DAYS - 3)
            tag = rng.choice(["ChemicalLeakLA", "FoodPoisoningNY", "PhosphorusDisaster", "WaterCrisisTX"])
            start = T0 + hoax_day * 86400 + 14 * 3600
            hoax = []
            for a in fear:
                for _ in range(rng.randrange(3, 15)):
                    txt = rng.choice(HOAX) + " #" + tag
                    o = self.post(a, start + int(rng.expovariate(1 / 5400)), txt, "en", tags=[tag])
                    if o:
                        hoax.append(o)
            for a in trolls:
                if a.label != "troll_news" and rng.random() < 0.25 and hoax:
                    for o in rng.sample(hoax, min(len(hoax), rng.randrange(1, 4))):
                        self.post(a, o[2] + int(rng.lognormvariate(6.5, 1.2)), "", "", kind="rt", ref=o)
            for a in fear:
                for _ in range(int(DAYS * rng.uniform(0.5, 2))):
                    self.post(a, self.local_time(a), words(rng, "en", rng.randrange(4, 14)), "en")
        # retweeting each other, within the category only (right and left never meet):
        # operator sessions, one account after another, minutes to hours after the post
        for s in ("right", "left", "news"):
            pool = sorted(own.get(s, []), key=lambda o: o[2])
            if not pool:
                continue
            times = [o[2] for o in pool]
            w = [self.accts[o[1]].reach for o in pool]
            accts = by.get(s, [])
            rters = accts + (by.get("hashtag", []) if s == "right" else [])  # gamers also push right content
            for d in range(DAYS):
                for _ in range(rng.randrange(3, 8) if d % 7 < 5 else rng.randrange(1, 3)):
                    ts = T0 + d * 86400 + rng.randrange(86400)
                    k0, k1 = bisect.bisect_left(times, ts - 12 * 3600), bisect.bisect_left(times, ts)
                    if k1 - k0 < 3:
                        continue
                    members = rng.sample(rters, max(1, int(len(rters) * rng.uniform(0.1, 0.4))))
                    t = ts
                    for a in members:
                        for o in rng.choices(pool[k0:k1], weights=w[k0:k1], k=rng.randrange(1, 4)):
                            t += rng.randrange(10, 180)
                            if o[1] != a.idx:
                                self.post(a, t, "", "", kind="rt", ref=o)

    def hashtag_players(self, org):
        """Organic hashtag game players (the @midnight daily game, 'Hashtag Roundup')."""
        rng = self.rng
        for d in range(DAYS):
            tag = rng.choice(GAMES)
            start = T0 + d * 86400 + (23 + 4) * 3600  # 11pm ET announcement
            for a in org:
                if rng.random() < 0.35:
                    for _ in range(rng.choice([1, 1, 2, 3, 5])):
                        self.post(a, start + int(rng.expovariate(1 / 2400)), "%s #%s" % (words(rng, "en", rng.randrange(3, 9)).capitalize(), tag), "en", tags=[tag])

    # ==== organic_storm: extreme genuine synchrony ==============================================
    def make_brands(self, n_brands):
        """A social media agency running 30 client brands from one office and one scheduling tool."""
        rng = self.rng
        out = []
        office = "%s.%d.%d" % (rng.choice(["73", "98", "24"]), rng.randrange(256), rng.randrange(256))
        for i in range(n_brands):
            a = self.new_acct("brand", "agency_client")
            name = rng.choice(["Joe's", "Sunny", "Blue", "Urban", "Fresh", "Happy", "Golden", "Green", "Big", "Little"]) + rng.choice(["Pizza", "Yoga", "Dental", "Brew", "Bakery", "Pets", "Fitness", "Motors", "Realty", "Spa", "Boutique", "Tacos"])
            a.screen = self.uniq(name.replace("'", "") + rng.choice(["", "Co", "HQ", "ATX", "NYC"]))
            a.display = name
            a.desc = "Official account of " + name + ". " + rng.choice(["Open 7 days.", "Family owned since 1998.", "Book online!", "Tag us #" + a.screen])
            a.url = "https://www." + a.screen.lower() + ".com"
            a.loc = rng.choice(["Austin, TX", "Denver, CO", "Portland, OR", "Columbus, OH"])
            a.followers = int(rng.lognormvariate(7.5, 1.0))
            a.following = int(rng.lognormvariate(5.5, 1.0))
            a.alang, a.langs, a.tz = "en", [("en", 1.0)], -6
            a.clients = ["Sprout Social"]
            a.reach = 0.3
            a.ips = [office + "." + str(rng.randrange(10, 20))]
            a.devices = ["Chrome 75/macOS"]
            self.finish(a, date_between(rng, 2010, 2019))
            out.append(a)
        return out

    def brand_activity(self, brands):
        rng = self.rng
        slots = [9, 12, 15, 18]
        days_campaign = {3: "NationalHotDogDay", 10: "NationalIceCreamDay", 17: "ShopSmall", 24: "SummerSale"}
        for d in range(DAYS):
            wd = d % 7
            for a in brands:
                for h in slots:
                    if wd >= 5 and h != 12:
                        continue
                    if rng.random() < 0.75:
                        t = T0 + d * 86400 + (h + 6) * 3600  # scheduled on the hour, Central time
                        if d in days_campaign:
                            tag = days_campaign[d]
                            txt = rng.choice(["Happy #%s! Stop by %s today 🎉", "It's #%s! Show this tweet at %s for 20%% off", "Celebrate #%s with %s"]) % (tag, a.display)
                            self.post(a, t, txt, "en", tags=[tag], client="Sprout Social")
                        else:
                            self.post(a, t, words(rng, "en", rng.randrange(6, 14)).capitalize() + " " + a.url + "/?utm_source=twitter&utm_medium=social&utm_campaign=sprout", "en",
                                      urls=[a.url + "/?utm_source=twitter&utm_medium=social&utm_campaign=sprout"], client="Sprout Social")
        # cross-promotion: the agency has every client retweet the others' campaign posts within minutes
        camp = [o for o, _ in self.originals if self.accts[o[1]].label == "brand" and o[4]]
        for o in camp:
            for b in rng.sample(brands, rng.randrange(3, 10)):
                if b.idx != o[1]:
                    self.post(b, o[2] + rng.randrange(30, 600), "", "", kind="rt", ref=o, client="Sprout Social")

    def make_newsroom(self, n_j):
        """One outlet and its journalists: same office network, same tool, office hours."""
        rng = self.rng
        outlet = self.new_acct("news", "newsroom_outlet")
        outlet.screen, outlet.display = self.uniq("MetroTribune"), "The Metro Tribune"
        outlet.url = "https://www.metrotribune.com"
        outlet.desc = "News from The Metro Tribune newsroom."
        outlet.followers, outlet.following = 850000, 900
        outlet.alang, outlet.langs, outlet.tz = "en", [("en", 1.0)], -5
        outlet.clients = ["SocialFlow"]
        outlet.hours = [1.0 + (1.5 if 6 <= h <= 22 else 0) for h in range(24)]
        outlet.reach = 50.0
        net = "%d.%d.%d" % (rng.choice([64, 65, 199]), rng.randrange(256), rng.randrange(256))
        outlet.ips, outlet.devices = [net + ".5"], ["Chrome/macOS"]
        self.finish(outlet, date_between(rng, 2008, 2010))
        js = []
        for i in range(n_j):
            a = self.new_acct("journalist", "newsroom")
            first, last = rng.choice(FIRST[:40]), rng.choice(LAST[:40])
            a.screen = self.uniq(rng.choice([first + last, first[0] + last, first + "_" + last, last + "Reports"]))
            a.display = first + " " + last
            a.desc = rng.choice(["Reporter @MetroTribune. Covering ", "Editor @MetroTribune. ", "@MetroTribune politics. "]) + rng.choice(["city hall", "courts", "education", "climate", "business"]) + ". DMs open."
            a.loc = "New York, NY"
            a.followers = int(rng.lognormvariate(8.5, 1.0))
            a.following = int(rng.lognormvariate(7, 0.7))
            a.alang, a.langs, a.tz = "en", [("en", 1.0)], -5
            a.clients = ["TweetDeck"]
            a.hours = OFFICE_HOURS[:]
            a.weekend = 0.4
            a.reach = 3.0
            a.ips = [net + "." + str(rng.randrange(20, 250)), ip_in(rng, rng.choice(MOBILE["US"]), nets=24)]
            a.devices = ["Chrome/macOS", "iPhone"]
            self.finish(a, date_between(rng, 2009, 2016))
            js.append(a)
        return outlet, js

    def newsroom_activity(self, outlet, js):
        rng = self.rng
        for d in range(DAYS):
            for _ in range(rng.randrange(8, 16) if d % 7 < 5 else rng.randrange(3, 6)):
                author = rng.choice(js)
                head = words(rng, "en", rng.randrange(7, 13)).capitalize()
                url = "https://www.metrotribune.com/2019/%s/%s" % (dt.datetime.fromtimestamp(T0 + d * 86400, UTC).strftime("%m/%d"), "-".join(head.lower().split()[:6]))
                t = self.local_time(author, day=d)
                o = self.post(outlet, t, head + " " + url + "?utm_source=twitter&utm_medium=social", "en", urls=[url + "?utm_source=twitter&utm_medium=social"])
                if not o:
                    continue
                oa = self.post(author, t + rng.randrange(20, 300), "My story today: " + head + " " + url, "en", urls=[url])
                for j in js:
                    if j is author:
                        continue
                    r = rng.random()
                    if r < 0.35:  # colleagues share within minutes, from TweetDeck columns
                        self.post(j, t + rng.randrange(30, 900), "", "", kind="rt", ref=o if rng.random() < 0.6 or not oa else oa)
                    elif r < 0.45 and oa:
                        self.post(j, t + rng.randrange(60, 1800), rng.choice(["Great work by @%s", "Must read from @%s", "Important story by @%s"]) % author.screen, "en", kind="quote", ref=oa)
            for j in js:  # own chatter
                for _ in range(rng.randrange(0, 3)):
                    self.post(j, self.local_time(j, day=d), words(rng, "en", rng.randrange(5, 16)), "en")

    def storm_events(self, org, news, fans, celebs, acts):
        rng = self.rng
        # 1. breaking news: outlets post within minutes, a sixth of the population reacts
        d0 = 9
        tb = T0 + d0 * 86400 + 18 * 3600 + 7 * 60
        city = rng.choice(["Dayton", "El Paso", "Gilroy"])
        first = []
        for a in [n for n in news if n.langs[0][0] == "en"][:25]:
            head = "BREAKING: " + rng.choice(["Multiple people shot in ", "Active shooter reported in ", "Police respond to mass shooting in "]) + city
            url = "https://www.%s/breaking-%s" % (a.url.replace("https://www.", ""), city.lower().replace(" ", "-"))
            o = self.post(a, tb + rng.randrange(60, 900), head + " " + url, "en", urls=[url], tags=[])
            if o:
                first.append(o)
        tag = "PrayFor" + city.replace(" ", "")
        for a in org:
            if rng.random() < 0.16 and first:
                t = tb + 60 + int(rng.lognormvariate(7.5, 1.3))
                r = rng.random()
                if r < 0.6:
                    self.post(a, t, "", "", kind="rt", ref=rng.choice(first[:5] if rng.random() < 0.7 else first))
                elif r < 0.85:
                    self.post(a, t, rng.choice(["Heartbreaking. Praying for %s", "Not again. #%s", "Thoughts with everyone in %s tonight", "#%s 💔"]).replace("%s", city if rng.random() < 0.5 else tag) + (" #" + tag if rng.random() < 0.5 else ""), "en", tags=[tag])
                else:
                    o = rng.choice(first)
                    self.post(a, t, o[3], "en", urls=list(o[5]))  # share button copy
        # 2. fandom voting drive: one fandom votes for 24 hours in announced hourly waves
        if celebs:
            c = celebs[0]
            voters = [f for f in fans if c in f.group]
            start = T0 + 14 * 86400
            tmpl = ["I'm voting for #%s for #BestFanArmy at the #iHeartAwards" % c.screen.split("_")[0],
                    "#%s #BestFanArmy #iHeartAwards" % c.screen.split("_")[0],
                    "Vote vote vote! #%s #BestFanArmy #iHeartAwards" % c.screen.split("_")[0]]
            for f in voters:
                if rng.random() < 0.7:
                    for h in rng.sample(range(24), rng.randrange(1, 8)):
                        for _ in range(rng.randrange(2, 12)):
                            txt = rng.choice(tmpl)
                            self.post(f, start + h * 3600 + int(rng.expovariate(1 / 300)), txt, "en", tags=[x.strip("#") for x in txt.split() if x.startswith("#")])
        # 3. protest with a Thunderclap: every supporter's account posts the same text at the same second
        t_clap = T0 + 20 * 86400 + 16 * 3600
        clap = "Today we march for our climate. Join us at noon! #ClimateStrike #FridaysForFuture https://climatestrike.net"
        supporters = rng.sample(org, min(len(org), 700))
        for a in supporters:
            a.detail = a.detail or "thunderclap"
            self.post(a, t_clap, clap, "en", tags=["ClimateStrike", "FridaysForFuture"], urls=["https://climatestrike.net"], client="Thunderclap")
        for a in supporters:
            if rng.random() < 0.5:
                for _ in range(rng.randrange(1, 4)):
                    self.post(a, t_clap + 3600 * rng.choice([2, 3, 4]) + int(rng.expovariate(1 / 900)),
                              rng.choice(["Marching now! #ClimateStrike", "So many people here #ClimateStrike #FridaysForFuture", "There is no planet B #ClimateStrike"]) + rng.choice(["", " 🌍", " 💚"]),
                              "en", tags=["ClimateStrike"])

def fmt_list(xs, quote=True):
    if not xs:
        return "[]"
    if quote:
        return "[" + ", ".join("'" + x.replace("\\", "\\\\").replace("'", "\\'") + "'" for x in xs) + "]"
    return "[" + ", ".join(xs) + "]"


def tstr(t):
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))


def build(seed, n, scenario):
    w = World(seed, n, scenario)
    rng = w.rng
    f = n / 20000.0
    n_act, n_news, n_bot, n_fan = int(1200 * f), max(20, int(150 * f)), max(20, int(200 * f)), int(1400 * f)
    n_core = n_amp = n_spam = 0
    if scenario == "troll_farm":
        return build_troll_farm(w, n)
    if scenario == "state_op":
        n_core, n_amp = max(8, int(80 * f)), max(40, int(520 * f))
    elif scenario == "small_op":
        n_core, n_amp = 5, 20  # fixed size whatever --accounts says: a small operation
    elif scenario == "spam_net":
        n_spam = max(50, int(1400 * f))
    n_brand = n_journ = 0
    if scenario == "organic_storm":
        n_brand, n_journ = 30, 40
    n_org = n - n_act - n_news - n_bot - n_fan - n_core - n_amp - n_spam - n_brand - n_journ - (1 if n_journ else 0) - 8
    news = w.make_news(n_news)
    bots = w.make_bots(n_bot)
    celebs, fans = w.make_fans(n_fan)
    acts = w.make_activists(n_act)
    n_pro = int(n_org * 0.015)
    org = w.make_organic(n_org - n_pro) + w.make_organic(n_pro, "probeijing")
    for a in org[-n_pro:]:
        a.tz = rng.choice([8, 8, -5, -8, 10, 1])
        a.langs = [("zh", 0.6), ("en", 0.4)]
        a.alang = "zh-cn"
    core = amps = cells = spam = None
    customers = []
    if scenario == "spam_net":
        customers = rng.sample([a for a in org if a.detail == ""], max(10, int(50 * f)))
        spam = w.make_spam(n_spam, customers)
    # originals first, engagement after (engagement needs something to point at)
    w.news_posts(news)
    w.bot_posts(bots)
    w.organic_originals(org, news)
    w.activist_activity(acts)
    if scenario in ("state_op", "small_op"):
        core, amps, cells = w.make_op(n_core, n_amp, moderate=scenario == "small_op")
        w.op_activity(core, amps, cells, acts, news)
    if scenario == "organic_storm":
        brands = w.make_brands(n_brand)
        outlet, js = w.make_newsroom(n_journ)
        w.brand_activity(brands)
        w.newsroom_activity(outlet, js)
        w.storm_events(org, news, fans, celebs, acts)
    if spam:
        w.spam_activity(spam, customers)
    w.fan_activity(celebs, fans)
    for fa in fans:  # fans' everyday posting
        fa.group = (max(1, int(rng.lognormvariate(2.0, 1.2))), 0.5, 0.15)
    w.organic_originals(fans, news)
    w.build_pool()
    sm_posts = [o for o, _ in w.originals if w.accts[o[1]].detail == "state_media"]
    special = {"probeijing": (sm_posts, 0.5)}
    w.organic_engagement(org + fans, special)
    w.rt_bot_activity(bots)
    w.make_logins()
    return w


def build_troll_farm(w, n):
    """A US population (partisans, local news, fans, bots) with an IRA-style troll farm."""
    rng = w.rng
    f = n / 20000.0
    n_part, n_news, n_bot, n_fan = int(2400 * f), max(20, int(150 * f)), max(20, int(200 * f)), int(1400 * f)
    troll_counts = [("right", max(10, int(130 * f))), ("left", max(8, int(100 * f))), ("hashtag", max(6, int(60 * f))),
                    ("news", max(4, int(40 * f))), ("fearmonger", max(3, int(20 * f)))]
    n_troll = sum(k for _, k in troll_counts)
    n_org = n - n_part - n_news - n_bot - n_fan - n_troll - 8
    news = w.make_news(n_news)
    bots = w.make_bots(n_bot)
    celebs, fans = w.make_fans(n_fan)
    parts = w.make_partisans(n_part)
    org = w.make_organic(n_org, tz_mix=US_TZ_MIX)
    players = rng.sample(org, int(len(org) * 0.03))
    for a in players:
        a.detail = "hashtag_player"
    trolls = w.make_trolls(troll_counts)
    w.news_posts(news)
    w.bot_posts(bots)
    w.organic_originals(org, news)
    w.hashtag_players(players)
    w.partisan_activity(parts)
    w.troll_activity(trolls, parts, news)
    w.partisans_retweet_stars(parts)
    w.fan_activity(celebs, fans)
    for fa in fans:
        fa.group = (max(1, int(rng.lognormvariate(2.0, 1.2))), 0.5, 0.15)
    w.organic_originals(fans, news)
    w.build_pool()
    w.organic_engagement(org + fans)
    w.rt_bot_activity(bots)
    w.make_logins()
    return w


def write(w, out, no_profiles=False):
    """Writes the world; `no_profiles` empties the profile and client columns (display and screen
    name, location, bio, URL, follower/following counts, creation date, account language,
    tweet_client_name) as in collections without profile metadata. Behaviour and labels are the same."""
    os.makedirs(out, exist_ok=True)
    if no_profiles:
        def prof(a):
            return ["", "", "", "", "", "", "", "", ""]
    else:
        def prof(a):
            return [a.display, a.screen, a.loc, a.desc, a.url, a.followers, a.following,
                    tstr(a.created)[:10], a.alang]
    rows = sorted(w.rows, key=lambda r: (r[2], r[0]))
    accts = w.accts
    with open(os.path.join(out, "indie_tweets.csv"), "w", newline="", encoding="utf-8") as fh:
        cw = csv.writer(fh, quoting=csv.QUOTE_ALL)
        cw.writerow(TWEET_HEADER)
        rng = random.Random(len(rows))
        for r in rows:
            (tid, ai, t, lang, text, client, rep_uid, rep_tid, q_tid, isrt, rt_uid, rt_tid, geo,
             tags, urls, ment) = r
            a = accts[ai]
            rtc = w.rt_count.get(tid, 0)
            cw.writerow([tid, a.uid] + prof(a) + [{"in": "id"}.get(lang, lang) or "und",
                         text, tstr(t), "" if no_profiles else client, rep_uid, rep_tid, q_tid, isrt, rt_uid, rt_tid, geo[0],
                         geo[1], 0 if isrt == "True" else int(rtc * 0.05),
                         0 if isrt == "True" else w.rep_count.get(tid, 0),
                         0 if isrt == "True" else int(rtc * rng.uniform(1, 4)) + rng.randrange(3),
                         0 if isrt == "True" else rtc, fmt_list(tags), fmt_list(urls),
                         fmt_list(list(ment), quote=False)])
    with open(os.path.join(out, "indie_users.csv"), "w", newline="", encoding="utf-8") as fh:
        cw = csv.writer(fh, quoting=csv.QUOTE_ALL)
        cw.writerow(USER_HEADER)
        for a in accts:
            cw.writerow([a.uid] + prof(a))
    with open(os.path.join(out, "logins.csv"), "w", newline="", encoding="utf-8") as fh:
        cw = csv.writer(fh)
        cw.writerow(["userid", "login_time", "ip", "device"])
        for uid, t, ip, dev in sorted(w.logins, key=lambda x: x[1]):
            cw.writerow([uid, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)), ip, dev])
    with open(os.path.join(out, "labels.csv"), "w", newline="", encoding="utf-8") as fh:
        cw = csv.writer(fh)
        cw.writerow(["account_id", "label", "detail"])
        for a in accts:
            cw.writerow([a.uid, a.label, a.detail])
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--accounts", type=int, default=20000)
    ap.add_argument("--scenario", choices=["state_op", "spam_net", "organic_only", "troll_farm", "small_op", "organic_storm"], default="state_op")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-logins", action="store_true", help="do not write logins.csv")
    ap.add_argument("--no-profiles", action="store_true",
                    help="empty the profile and client columns (names, location, bio, URL, follower counts, "
                         "creation date, account language, tweet_client_name); behaviour and labels unchanged")
    args = ap.parse_args()
    if args.accounts < 2000:
        sys.exit("--accounts must be at least 2000")
    t = time.time()
    w = build(args.seed, args.accounts, args.scenario)
    n = write(w, args.out, no_profiles=args.no_profiles)
    if args.no_logins:
        os.remove(os.path.join(args.out, "logins.csv"))
    counts = {}
    for a in w.accts:
        counts[a.label] = counts.get(a.label, 0) + 1
    print("%s seed %d: %d accounts %s, %d posts, %d logins, %.1fs" % (
        args.scenario, args.seed, len(w.accts), counts, n, len(w.logins), time.time() - t), file=sys.stderr)


if __name__ == "__main__":
    main()
