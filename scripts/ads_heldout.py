#!/usr/bin/env python3
"""Labelled held-out ad set with evasions for the ad screen (docs/ads.md, "Evaluation").

Its vocabulary is its own: outlet spellings, transliterations, language editions and evasions
are written here, not read from data/state_media.toml, so the screen is measured on names and
URLs it was not tuned on. Labels: `state` (an ad by or for a state-controlled outlet),
`broadcaster` (an independent public broadcaster), `other` (ordinary advertisers, including
names and domains that merely contain an outlet's name).

    scripts/ads_heldout.py --out heldout.csv [--n 3000] [--seed 7]
    scripts/ads_heldout.py --eval heldout.csv decisions.csv     # precision / recall
"""
import argparse, csv, random, sys

# (spellings of the advertiser, payer spellings, web hosts incl. editions not listed anywhere)
STATE = [
    (["CGTN", "C.G.T.N.", "Cgtn Europe", "CGTN Español", "China Global TV Network"], ["CGTN America Corp", "China Global Television Network Ltd"], ["cgtn.com", "espanol.cgtn.com", "newsaf.cgtn.com", "francais.cgtn.com"]),
    (["Xinhua", "XINHUA NEWS", "Xin Hua", "新华社", "新華社"], ["Xinhua News Agency North America", "Xinhua News Agency"], ["xinhuanet.com", "english.news.cn", "spanish.news.cn", "german.xinhuanet.com"]),
    (["China Daily", "ChinaDaily", "中国日报"], ["China Daily Distribution Corp", "China Daily USA Inc"], ["chinadaily.com.cn", "global.chinadaily.com.cn", "usa.chinadaily.com.cn"]),
    (["Global Times", "GlobalTimes", "环球时报"], ["Global Times", "Huanqiu Shibao"], ["globaltimes.cn", "world.huanqiu.com"]),
    (["People's Daily", "Peoples Daily", "人民日报", "People’s Daily China"], ["People's Daily Online", "Renmin Ribao"], ["en.people.cn", "french.people.com.cn", "j.people.com.cn"]),
    (["RT", "R T", "RT America", "RT en Español", "Russia Today", "Раша Тудэй"], ["TV-Novosti", "RT America LLC", "ANO TV-Novosti"], ["rt.com", "actualidad.rt.com", "deutsch.rt.com", "arabic.rt.com", "francais.rt.com"]),
    (["Sputnik", "Sputnik News", "Спутник", "Sputnik Mundo"], ["Rossiya Segodnya", "Sputnik International"], ["sputnikglobe.com", "mundo.sputniknews.com", "fr.sputniknews.africa", "sputniknews.cn"]),
    (["TASS", "ТАСС", "Tass Agency"], ["TASS Russian News Agency", "ITAR TASS"], ["tass.com", "tass.ru"]),
    (["Press TV", "PRESSTV", "پرس تی وی"], ["IRIB World Service", "Press TV Ltd"], ["presstv.ir", "www.presstv.ir"]),
    (["HispanTV", "Hispan TV"], ["IRIB"], ["hispantv.com"]),
    (["teleSUR", "Telesur English", "TELESUR TV"], ["La Nueva Television del Sur CA"], ["telesurtv.net", "telesurenglish.net"]),
    (["TRT World", "TRTWorld"], ["Turkish Radio and Television Corporation"], ["trtworld.com"]),
    (["Anadolu Agency", "Anadolu Ajansı"], ["Anadolu Ajansi"], ["aa.com.tr"]),
    (["BelTA", "БелТА"], ["Belarusian Telegraph Agency"], ["belta.by", "eng.belta.by"]),
    (["KCNA", "Korean Central News Agency"], ["KCNA"], ["kcna.kp"]),
    (["Granma", "Granma Internacional"], ["Periodico Granma"], ["granma.cu", "en.granma.cu"]),
    (["CCTV", "CCTV+", "央视"], ["China Central Television"], ["cctv.com", "english.cctv.com", "tv.cctv.com"]),
    (["China Radio International", "CRI English"], ["China Radio International"], ["cri.cn", "english.cri.cn"]),
    (["IRNA", "Islamic Republic News Agency"], ["IRNA"], ["irna.ir", "en.irna.ir"]),
    (["Saudi Press Agency"], ["Saudi Press Agency"], ["spa.gov.sa"]),
]
BROADCASTERS = [
    (["BBC", "BBC News", "BBC World Service", "B.B.C."], ["British Broadcasting Corporation"], ["bbc.co.uk", "bbc.com", "www.bbc.co.uk"]),
    (["DW", "Deutsche Welle", "DW News"], ["Deutsche Welle"], ["dw.com"]),
    (["NHK World", "NHK"], ["Japan Broadcasting Corporation"], ["nhk.or.jp", "www3.nhk.or.jp"]),
    (["CBC News", "CBC"], ["Canadian Broadcasting Corporation"], ["cbc.ca"]),
    (["ABC News Australia"], ["Australian Broadcasting Corporation"], ["abc.net.au"]),
    (["PBS", "PBS NewsHour"], ["Public Broadcasting Service"], ["pbs.org"]),
    (["NPR"], ["National Public Radio Inc"], ["npr.org"]),
    (["France 24", "France Televisions"], ["France Medias Monde", "France Televisions"], ["france24.com", "francetvinfo.fr"]),
]
OTHER = [
    (["Artisan Bakery", "Smart Tools", "Start Right Fitness"], ["Artisan Bakery LLC", "SmartTools Inc"], ["artisanbakery.example.com", "smarttools.example.com"]),
    (["Sputnik Coffee Roasters"], ["Sputnik Coffee Roasters Ltd"], ["sputnikcoffee.example.com"]),
    (["RT Motors"], ["RT Motors Group"], ["rtmotors.example.com", "rt-cars.example.net"]),
    (["Global Timepieces"], ["Global Timepieces Ltd"], ["globaltimepieces.example.com"]),
    (["Daily Deals China Town"], ["Chinatown Deals"], ["dailydeals.example.org"]),
    (["Tasty Noodles"], ["Tasty Noodles Ltd"], ["cgtnfans.example.com", "tasty.example.com"]),
    (["Hong Kong Tourism Board"], ["Hong Kong Tourism Board"], ["discoverhongkong.com"]),
    (["City Bank Asia"], ["City Bank Asia Ltd"], ["citybank-asia.example.com"]),
    (["Press Play Studios"], ["Press Play Studios"], ["pressplay.example.com"]),
    (["Granmama's Kitchen"], ["Granmama Foods"], ["granmama.example.com"]),
]
TEXT_STATE = ["Discover the real story", "Watch our documentary tonight", "News you can trust", "The truth about the protests"]
TEXT_OTHER = ["Big summer sale", "Beat RT prices on every car!", "Fresh bread daily", "New watches in store", "Fly to Hong Kong"]
SHORT = ["bit.ly", "tinyurl.com", "ow.ly", "t.ly", "cutt.ly"]
HOMO = {"C": "С", "T": "Т", "A": "А", "E": "Е", "O": "О", "P": "Р", "X": "Х", "a": "а", "e": "е", "o": "о", "c": "с", "p": "р"}


def evade_name(r, s):
    k = r.randrange(8)
    if k == 0:
        return s.upper()
    if k == 1:
        return s.lower()
    if k == 2:  # homoglyphs
        return "".join(HOMO.get(c, c) if r.random() < 0.5 else c for c in s)
    if k == 3:  # zero-width
        i = r.randrange(len(s) + 1)
        return s[:i] + "\u200b" + s[i:]
    if k == 4:  # full width
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
    if k == 5:  # spacing
        return " ".join(s) if len(s) <= 6 else s.replace(" ", "  ")
    return s


def url(r, host, kind):
    path = "/%s/%d" % (r.choice(["news", "a", "promo", "video"]), r.randrange(10**5))
    k = r.randrange(10)
    scheme = r.choice(["https://", "http://", "HTTPS://", ""])
    h = host
    if k == 0:
        h = host.upper()
    elif k == 1:
        h = host + "."
    elif k == 2 and not host.startswith("www."):
        h = "www." + host
    u = scheme + h + path
    if k == 3:
        u += "?utm_source=fb&utm_campaign=x&fbclid=abc"
    if kind == "state" and k == 4:  # redirector to the state site
        from urllib.parse import quote
        return "https://click.example-ads.net/redirect?url=" + quote("https://" + host + path, safe="")
    if k == 5:  # shortener
        return "https://%s/%s" % (r.choice(SHORT), "".join(r.choice("abcdefXYZ123") for _ in range(6)))
    return u


def make(r, n):
    rows = []
    for i in range(n):
        x = r.random()
        kind, pool, texts = ("state", STATE, TEXT_STATE) if x < 0.35 else (("broadcaster", BROADCASTERS, TEXT_STATE) if x < 0.5 else ("other", OTHER, TEXT_OTHER))
        names, payers, hosts = r.choice(pool)
        adv = evade_name(r, r.choice(names))
        payer = r.choice(payers)
        if kind == "state" and r.random() < 0.3:
            payer = evade_name(r, payer)
        landing = url(r, r.choice(hosts), kind)
        if kind == "state" and r.random() < 0.15:  # front advertiser, state site
            adv, payer = r.choice(["Daily Insight Media", "Asia Views", "World Stories Ltd"]), "Media Services LLC"
        rows.append({
            "ad_id": "h%05d" % i, "advertiser": adv, "payer": payer, "landing_url": landing,
            "ad_text": r.choice(texts), "spend": "%.2f" % r.lognormvariate(6, 1.2),
            "currency": r.choice(["USD", "EUR", "HKD", "GBP"]),
            "submitted_at": "2019-%02d-%02d 12:00:00" % (r.randrange(6, 13), r.randrange(1, 29)),
            "userid": "", "label": kind,
        })
    return rows


def evaluate(labels_path, decisions_path):
    lab = {row["ad_id"]: row["label"] for row in csv.DictReader(open(labels_path, encoding="utf-8"))}
    dec = {row["ad_id"]: row["decision"] for row in csv.DictReader(open(decisions_path, encoding="utf-8"))}
    rej = [a for a, d in dec.items() if d == "reject"]
    tp = sum(1 for a in rej if lab.get(a) == "state")
    state = [a for a, l in lab.items() if l == "state"]
    caught = sum(1 for a in state if dec.get(a) in ("reject", "review"))
    bc_rej = sum(1 for a in rej if lab.get(a) == "broadcaster")
    p = tp / len(rej) if rej else 1.0
    rc = caught / len(state) if state else 1.0
    print("ads %d, state %d: reject precision %.4f (%d/%d), state recall (reject|review) %.4f (%d/%d), public broadcaster ads rejected %d"
          % (len(lab), len(state), p, tp, len(rej), rc, caught, len(state), bc_rej))
    return 0 if p >= 0.99 and rc >= 0.97 and bc_rej == 0 else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--eval", nargs=2, metavar=("LABELLED_ADS", "DECISIONS"))
    a = ap.parse_args()
    if a.eval:
        sys.exit(evaluate(*a.eval))
    rows = make(random.Random(a.seed), a.n)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
