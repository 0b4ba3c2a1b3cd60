"""Vocabulary and character-width helpers for ``gen_blind_leads.py``.

Kept apart from the generator so that the word lists (which are long but dull)
do not push the generator's logic past the house module size. Everything here
is written from general knowledge of Japanese and US business data, never from
the project's matching rules, so that the benchmark stays independent of them.
Frequencies are rough shapes, not census figures: what matters for linkage
evaluation is that a handful of family names dominate and the tail is long.
"""

from __future__ import annotations

import random
import unicodedata
from itertools import accumulate

# The tables below are data, laid out to be read as tables: wide (CJK) characters
# count double against the line limit, and split strings are shorter than literals.
# ruff: noqa: E501, SIM905

# Common family names: kanji, katakana reading, romaji, weight (~ per 10,000 people
# times a constant).  The head of the real distribution, in its real order.
_COMMON_FAMILY = """
佐藤 サトウ sato 187|鈴木 スズキ suzuki 180|高橋 タカハシ takahashi 141|田中 タナカ tanaka 134
伊藤 イトウ ito 108|渡辺 ワタナベ watanabe 107|山本 ヤマモト yamamoto 107|中村 ナカムラ nakamura 105
小林 コバヤシ kobayashi 104|加藤 カトウ kato 89|吉田 ヨシダ yoshida 83|山田 ヤマダ yamada 81
佐々木 ササキ sasaki 68|山口 ヤマグチ yamaguchi 64|松本 マツモト matsumoto 62|井上 イノウエ inoue 61
木村 キムラ kimura 57|林 ハヤシ hayashi 53|斎藤 サイトウ saito 53|清水 シミズ shimizu 52
山崎 ヤマザキ yamazaki 48|森 モリ mori 46|池田 イケダ ikeda 44|橋本 ハシモト hashimoto 44
阿部 アベ abe 44|石川 イシカワ ishikawa 43|山下 ヤマシタ yamashita 42|中島 ナカジマ nakajima 41
石井 イシイ ishii 40|小川 オガワ ogawa 40|前田 マエダ maeda 39|岡田 オカダ okada 38
長谷川 ハセガワ hasegawa 38|藤田 フジタ fujita 37|後藤 ゴトウ goto 36|近藤 コンドウ kondo 36
村上 ムラカミ murakami 34|遠藤 エンドウ endo 33|青木 アオキ aoki 33|坂本 サカモト sakamoto 32
斉藤 サイトウ saito 31|福田 フクダ fukuda 31|太田 オオタ ota 31|西村 ニシムラ nishimura 30
藤井 フジイ fujii 30|金子 カネコ kaneko 29|岡本 オカモト okamoto 29|藤原 フジワラ fujiwara 29
中野 ナカノ nakano 29|三浦 ミウラ miura 28|原田 ハラダ harada 28|中川 ナカガワ nakagawa 28
松田 マツダ matsuda 28|竹内 タケウチ takeuchi 27|小野 オノ ono 27|田村 タムラ tamura 27
中山 ナカヤマ nakayama 26|和田 ワダ wada 26|石田 イシダ ishida 26|森田 モリタ morita 25
上田 ウエダ ueda 25|原 ハラ hara 25|内田 ウチダ uchida 25|柴田 シバタ shibata 25
酒井 サカイ sakai 24|宮崎 ミヤザキ miyazaki 24|横山 ヨコヤマ yokoyama 24|高木 タカギ takagi 24
安藤 アンドウ ando 23|宮本 ミヤモト miyamoto 23|大野 オオノ ono 23|小島 コジマ kojima 23
谷口 タニグチ taniguchi 22|今井 イマイ imai 22|工藤 クドウ kudo 22|高田 タカダ takada 22
増田 マスダ masuda 21|丸山 マルヤマ maruyama 21|杉山 スギヤマ sugiyama 21|村田 ムラタ murata 21
大塚 オオツカ otsuka 21|小山 コヤマ koyama 21|藤本 フジモト fujimoto 20|平野 ヒラノ hirano 20
新井 アライ arai 20|河野 コウノ kono 19|上野 ウエノ ueno 19|武田 タケダ takeda 19
野口 ノグチ noguchi 19|松井 マツイ matsui 19|千葉 チバ chiba 19|菅原 スガワラ sugawara 19
岩崎 イワサキ iwasaki 18|木下 キノシタ kinoshita 18|野村 ノムラ nomura 18|渡部 ワタナベ watanabe 17
"""

# Building blocks for the long tail of rarer family names (prefix + suffix).
_TAIL_HEAD = """大 オオ o|小 コ ko|上 カミ kami|下 シモ shimo|北 キタ kita|南 ミナミ minami
東 ヒガシ higashi|西 ニシ nishi|石 イシ ishi|岩 イワ iwa|金 カネ kane|藤 フジ fuji|松 マツ matsu
竹 タケ take|梅 ウメ ume|桜 サクラ sakura|宮 ミヤ miya|今 イマ ima|平 ヒラ hira|福 フク fuku
長 ナガ naga|高 タカ taka|前 マエ mae|黒 クロ kuro|白 シラ shira|青 アオ ao|赤 アカ aka
早 ハヤ haya|若 ワカ waka|浅 アサ asa|深 フカ fuka|永 ナガ naga|安 ヤス yasu|吉 ヨシ yoshi
川 カワ kawa|杉 スギ sugi|柳 ヤナギ yanagi|荒 アラ ara|奥 オク oku|菅 スガ suga|寺 テラ tera
野 ノ no|浜 ハマ hama|丸 マル maru|角 カド kado|市 イチ ichi|沖 オキ oki|星 ホシ hoshi
秋 アキ aki|春 ハル haru"""
_TAIL_TAIL = """田 タ ta|川 カワ kawa|野 ノ no|村 ムラ mura|山 ヤマ yama|本 モト moto|井 イ i
原 ハラ hara|沢 サワ sawa|島 シマ shima|木 キ ki|口 グチ guchi|崎 サキ saki|谷 タニ tani
岡 オカ oka|橋 ハシ hashi|部 ベ be|森 モリ mori|内 ウチ uchi|浦 ウラ ura|坂 サカ saka
尾 オ o|瀬 セ se|池 イケ ike|垣 ガキ gaki"""

# Given names in use among people of working age (kanji, katakana, romaji, weight).
_GIVEN = """
大輔 ダイスケ daisuke 9|翔太 ショウタ shota 7|健太 ケンタ kenta 8|拓也 タクヤ takuya 8|直樹 ナオキ naoki 8
健一 ケンイチ kenichi 7|誠 マコト makoto 9|浩 ヒロシ hiroshi 8|隆 タカシ takashi 8|亮 リョウ ryo 6
和也 カズヤ kazuya 7|達也 タツヤ tatsuya 7|哲也 テツヤ tetsuya 6|剛 ツヨシ tsuyoshi 5|修 オサム osamu 5
学 マナブ manabu 5|聡 サトシ satoshi 7|翔 ショウ sho 5|雄一 ユウイチ yuichi 5|浩二 コウジ koji 5
健二 ケンジ kenji 6|裕太 ユウタ yuta 5|大樹 ダイキ daiki 6|陽介 ヨウスケ yosuke 5|正人 マサト masato 4
太郎 タロウ taro 4|一郎 イチロウ ichiro 3|慎也 シンヤ shinya 4|淳 ジュン jun 5|勇気 ユウキ yuki 4
美咲 ミサキ misaki 6|陽子 ヨウコ yoko 6|恵子 ケイコ keiko 5|由美 ユミ yumi 6|裕子 ユウコ yuko 6
直美 ナオミ naomi 5|久美子 クミコ kumiko 4|真由美 マユミ mayumi 4|愛 アイ ai 6|彩 アヤ aya 5
麻衣 マイ mai 5|優子 ユウコ yuko 5|智子 トモコ tomoko 6|明美 アケミ akemi 4|里奈 リナ rina 4
沙織 サオリ saori 5|香織 カオリ kaori 5|綾香 アヤカ ayaka 4|千尋 チヒロ chihiro 3|葵 アオイ aoi 3
結衣 ユイ yui 3|美穂 ミホ miho 4|奈々 ナナ nana 3|恵 メグミ megumi 5|舞 マイ mai 4
"""

# Western first names with the nickname people actually write on forms ("-" none).
_WEST_FIRST = """Robert Bob|William Bill|Richard Rick|James Jim|Michael Mike|Elizabeth Liz
Katherine Kate|Thomas Tom|Christopher Chris|Jennifer Jen|Margaret Peggy|Daniel Dan
Joseph Joe|Anthony Tony|Steven Steve|Andrew Andy|Patricia Pat|Susan Sue|Rebecca Becky
Edward Ed|David Dave|Matthew Matt|Jonathan Jon|Alexander Alex|Samantha Sam|Benjamin Ben
Nicholas Nick|Deborah Deb|Emily -|Sarah -|Laura -|Mark -|Paul -|Brian -|Kevin -|Jason -
Ryan -|Olivia -|Grace -|Hannah -|Eric -|Scott -"""
WEST_LAST = """Smith Johnson Williams Brown Jones Miller Davis Garcia Wilson Anderson Taylor
Thomas Moore Martin Jackson White Harris Clark Lewis Walker Young Allen King Wright Scott
Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker
Evans Edwards Collins O'Brien Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Kelly
Howard Ward Foster Hughes Price Bennett Wood Barnes Ross Henderson Coleman Jenkins Perry
Powell Long Patterson Flores Russell Sullivan Fisher Myers Hamilton Graham Reynolds""".split()

# Old (traditional) kanji forms people insist on in their own names.
OLD_KANJI = {
    "高": "髙",
    "崎": "﨑",
    "斎": "齋",
    "辺": "邊",
    "浜": "濱",
    "沢": "澤",
    "島": "嶋",
}

# Japanese office locations: prefecture, city, postcode prefix, area code.
JP_PLACES = [
    ("東京都", "千代田区", "100", "03"),
    ("東京都", "港区", "105", "03"),
    ("東京都", "中央区", "104", "03"),
    ("東京都", "新宿区", "160", "03"),
    ("東京都", "渋谷区", "150", "03"),
    ("東京都", "品川区", "141", "03"),
    ("大阪府", "大阪市北区", "530", "06"),
    ("大阪府", "大阪市中央区", "541", "06"),
    ("神奈川県", "横浜市西区", "220", "045"),
    ("神奈川県", "川崎市幸区", "212", "044"),
    ("愛知県", "名古屋市中区", "460", "052"),
    ("福岡県", "福岡市博多区", "812", "092"),
    ("北海道", "札幌市中央区", "060", "011"),
    ("京都府", "京都市下京区", "600", "075"),
    ("兵庫県", "神戸市中央区", "650", "078"),
    ("宮城県", "仙台市青葉区", "980", "022"),
    ("広島県", "広島市中区", "730", "082"),
    ("埼玉県", "さいたま市大宮区", "330", "048"),
    ("千葉県", "千葉市中央区", "260", "043"),
]
JP_PLACE_WEIGHTS = list(
    accumulate([9, 8, 6, 5, 5, 4, 6, 4, 4, 3, 4, 3, 2, 2, 2, 2, 1, 2, 1])
)

# US office locations: state code, state name, city, ZIP prefix, area codes.
US_PLACES = [
    ("CA", "California", "San Francisco", "941", ("415", "628")),
    ("CA", "California", "San Jose", "951", ("408", "669")),
    ("CA", "California", "Los Angeles", "900", ("213", "310")),
    ("NY", "New York", "New York", "100", ("212", "646")),
    ("WA", "Washington", "Seattle", "981", ("206",)),
    ("IL", "Illinois", "Chicago", "606", ("312", "773")),
    ("MA", "Massachusetts", "Boston", "021", ("617",)),
    ("TX", "Texas", "Austin", "787", ("512", "737")),
]

# Company name parts.  JP: (kanji, romaji); EN/bilingual: (English, katakana).
JP_STEMS = [
    tuple(p.split())
    for p in """東洋 toyo|日本 nihon|富士 fuji|大和 yamato|三和 sanwa|中央 chuo|北斗 hokuto
青葉 aoba|旭 asahi|昭和 showa|光 hikari|新星 shinsei|太平洋 taiheiyo|共和 kyowa|協和 kyowa
日東 nitto|東和 towa|明治 meiji|双葉 futaba|若葉 wakaba|桜 sakura|関西 kansai|東海 tokai
九州 kyushu|北海 hokkai|瀬戸内 setouchi|千代田 chiyoda|横浜 yokohama|名古屋 nagoya
丸和 maruwa|大成 taisei|第一 daiichi|互助 gojo|信和 shinwa|北陸 hokuriku|山陽 sanyo
アルファ alpha|ネクスト next|グローバル global|ミライ mirai|テクノ techno|サンライズ sunrise
""".replace("\n", "|")
    .strip("|")
    .split("|")
]
JP_BIZ = [
    tuple(p.split())
    for p in """製作所 seisakusho|工業 kogyo|商事 shoji|電機 denki|化学 kagaku|建設 kensetsu
物産 bussan|運輸 unyu|食品 shokuhin|印刷 insatsu|精機 seiki|システム system|ソフト soft
情報サービス joho|テクノロジー tech|不動産 fudosan|薬品 yakuhin|電子 denshi|産業 sangyo
通信 tsushin|設計 sekkei|機械 kikai|物流 butsuryu|エンジニアリング engineering""".replace(
        "\n", "|"
    ).split("|")
]
JP_PREFIX_PLACES = [
    tuple(p.split())
    for p in "東京 tokyo|大阪 osaka|横浜 yokohama|京都 kyoto|神戸 kobe|仙台 sendai|札幌 sapporo".split(
        "|"
    )
]
EN_STEMS = """Blue Red North Summit Pacific Atlas Apex Cedar Granite Harbor Liberty Pioneer
Silver Evergreen Horizon Keystone Lakeside Maple Oak Riverside Sterling Vertex Zenith
Bright Clear Crescent Eagle Falcon Frontier Golden Iron Copper Beacon Meridian""".split()
EN_BIZ = """Data Logic Labs Systems Analytics Networks Software Dynamics Solutions Robotics
Health Energy Capital Media Cloud Bio Foods Logistics Devices Materials""".split()
BI_STEMS = [
    tuple(p.split())
    for p in """Sakura サクラ|Fuji フジ|Asahi アサヒ|Hikari ヒカリ|Midori ミドリ|Aoba アオバ
Sora ソラ|Nami ナミ|Hoshi ホシ|Yamato ヤマト|Tokai トーカイ|Alpha アルファ|Next ネクスト
Global グローバル|Future フューチャー|Smart スマート|Blue ブルー|Green グリーン|Nova ノヴァ
Prime プライム|Star スター|Orion オリオン|Unity ユニティ|Vision ビジョン|Core コア|Link リンク
Bridge ブリッジ|Crest クレスト|Wave ウェーブ|Kaze カゼ""".replace("\n", "|").split("|")
]
BI_BIZ = [
    tuple(p.split())
    for p in """Systems システムズ|Technologies テクノロジーズ|Solutions ソリューションズ
Networks ネットワークス|Electronics エレクトロニクス|Software ソフトウェア
Logistics ロジスティクス|Labs ラボ|Engineering エンジニアリング|Pharma ファーマ
Trading トレーディング|Consulting コンサルティング|Partners パートナーズ|Medical メディカル
Robotics ロボティクス|Foods フーズ|Materials マテリアルズ""".replace("\n", "|").split(
        "|"
    )
]

# English legal forms: canonical spelling first, then the ways people retype it.
EN_LEGAL = {
    "Inc.": ["Inc.", "Inc", ", Inc.", "Incorporated", ""],
    "Corporation": ["Corporation", "Corp.", "Corp", ""],
    "LLC": ["LLC", "L.L.C.", ", LLC", ""],
    "Co., Ltd.": ["Co., Ltd.", "Co.,Ltd.", "Co. Ltd.", "Ltd.", ""],
    "Group": ["Group", "Grp", "Grp.", ""],
    "K.K.": ["K.K.", "KK", "Co., Ltd.", ""],
    "Co.": ["Co.", "Company", "Co", ""],
}

JP_DEPTS = """営業部 営業本部 情報システム部 経営企画部 総務部 人事部 マーケティング部 開発部
技術部 製造部 購買部 経理部 法務部 DX推進室 品質保証部 カスタマーサクセス部""".split()
JP_TITLES = "担当 主任 係長 課長 次長 部長 本部長 執行役員 取締役".split()  # a ladder
EN_DEPTS = (
    "Sales Marketing Engineering IT Finance Operations HR Procurement Product".split()
)
EN_TITLES = """Analyst|Engineer|Account Executive|Senior Engineer|Manager|Senior Manager
Director|VP of Sales|CTO""".replace("\n", "|").split("|")  # a ladder, too

# Mailbox naming conventions: one per company for staff, several for free mail.
JP_CORP_MAIL = "{f}.{l} {l}.{f} {f0}.{l} {l}-{f0} {l}_{f} {f0}{l} {l}{f0}".split()
US_CORP_MAIL = "{f}.{l} {f0}{l} {f} {f}{l0}".split()
PRIVATE_MAIL = "{f}.{l}{n} {l}{f0}{n} {f}_{l} {l}.{f}{n} {f}{l}{n}".split()
ROLE_BOXES = ["info", "info", "sales", "contact", "support"]
JP_FREE_MAIL = ["gmail.com", "yahoo.co.jp", "icloud.com", "outlook.jp", "docomo.ne.jp"]
US_FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com"]


def _parse(block: str) -> list[list[str]]:
    """Split a ``a b c|d e f`` table into rows of fields."""
    return [r.split() for r in block.replace("\n", "|").split("|") if r.strip()]


def family_names() -> tuple[list[tuple[str, str, str]], list[float]]:
    """Family names and cumulative weights: the real head plus a synthetic tail.

    The tail is built from common kanji prefixes and suffixes with Zipf weights
    so that rare names are rare individually but many collectively, like reality.
    """
    names: list[tuple[str, str, str]] = []
    weights: list[float] = []
    seen: set[str] = set()
    for kanji, kana, romaji, w in _parse(_COMMON_FAMILY):
        names.append((kanji, kana, romaji))
        weights.append(float(w))
        seen.add(kanji)
    combos = [
        (h[0] + t[0], h[1] + t[1], h[2] + t[2])
        for h in _parse(_TAIL_HEAD)
        for t in _parse(_TAIL_TAIL)
        if h[0] != t[0] and h[0] + t[0] not in seen
    ]
    random.Random(20240601).shuffle(combos)
    for rank, combo in enumerate(combos):
        names.append(combo)
        weights.append(12.0 / (1.0 + rank / 100.0))
    return names, list(accumulate(weights))


def given_names() -> tuple[list[tuple[str, str, str]], list[float]]:
    """Japanese given names and cumulative weights."""
    rows = _parse(_GIVEN)
    return [(r[0], r[1], r[2]) for r in rows], list(
        accumulate(float(r[3]) for r in rows)
    )


def west_first_names() -> list[tuple[str, str]]:
    """Western first names with their nickname ("" when people rarely shorten it)."""
    return [(r[0], "" if r[1] == "-" else r[1]) for r in _parse(_WEST_FIRST)]


def _half_kana_table() -> dict[str, str]:
    """Map full-width katakana to the half-width forms old systems export."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
        for mark in ("\uff9e", "\uff9f"):  # voiced / semi-voiced sound marks
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table.setdefault(full, half + mark)
    table["ヴ"] = "ｳﾞ"
    return table


_HALF_KANA = _half_kana_table()
_FULL_ASCII = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {0x20: "\u3000"}


def to_half_kana(text: str) -> str:
    """Rewrite katakana in half-width form (ｻﾄｳ), leaving everything else alone."""
    return "".join(_HALF_KANA.get(c, c) for c in text)


def to_full_ascii(text: str) -> str:
    """Rewrite ASCII in full-width form (０３－…), as typed with a Japanese IME on."""
    return text.translate(_FULL_ASCII)
