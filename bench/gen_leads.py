"""Generate N synthetic B2B leads with ~10 % duplicates and ground-truth cluster ids.

Deterministic (fixed seed): the same N always gives the same file. The noise is the
kind Japanese B2B lead data really has, including the hard negatives that make
deduplication difficult:

- coworkers at one company who share a surname (and a company main phone line),
  with company-style local parts that differ by an initial (kyamamoto / yyamamoto);
- namesakes at different companies, and companies with near-identical names;
- duplicates written with different case, full/half width, plus-addressing, gmail
  dots, another address altogether (work vs free mail), typos in email, name and
  company, 株式会社 before/after/(株)/㈱/missing, phone formats (03-1234-5678,
  +81 3 1234 5678, ０３…), swapped 姓/名, the full name in one field, a kana reading
  instead of kanji, and missing fields.

Usage: ``python bench/gen_leads.py 100000 -o bench/results/leads/leads_100k.csv``
Columns: id, cluster_id, email, last_name, first_name, company, phone, city,
updated_at. Rows sharing ``cluster_id`` are the same person.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261122

# (kanji, romaji, kana, relative frequency): frequent surnames make coworker clashes.
SURNAMES = [
    ("佐藤", "sato", "サトウ", 19),
    ("鈴木", "suzuki", "スズキ", 18),
    ("高橋", "takahashi", "タカハシ", 14),
    ("田中", "tanaka", "タナカ", 13),
    ("伊藤", "ito", "イトウ", 11),
    ("渡辺", "watanabe", "ワタナベ", 11),
    ("山本", "yamamoto", "ヤマモト", 11),
    ("中村", "nakamura", "ナカムラ", 10),
    ("小林", "kobayashi", "コバヤシ", 10),
    ("加藤", "kato", "カトウ", 9),
    ("吉田", "yoshida", "ヨシダ", 8),
    ("山田", "yamada", "ヤマダ", 8),
    ("佐々木", "sasaki", "ササキ", 7),
    ("山口", "yamaguchi", "ヤマグチ", 6),
    ("松本", "matsumoto", "マツモト", 6),
    ("井上", "inoue", "イノウエ", 6),
    ("木村", "kimura", "キムラ", 6),
    ("林", "hayashi", "ハヤシ", 5),
    ("斎藤", "saito", "サイトウ", 5),
    ("清水", "shimizu", "シミズ", 5),
    ("山崎", "yamazaki", "ヤマザキ", 4),
    ("森", "mori", "モリ", 4),
    ("池田", "ikeda", "イケダ", 4),
    ("橋本", "hashimoto", "ハシモト", 4),
    ("阿部", "abe", "アベ", 4),
    ("石川", "ishikawa", "イシカワ", 4),
    ("山下", "yamashita", "ヤマシタ", 3),
    ("中島", "nakajima", "ナカジマ", 3),
    ("石井", "ishii", "イシイ", 3),
    ("小川", "ogawa", "オガワ", 3),
    ("前田", "maeda", "マエダ", 3),
    ("岡田", "okada", "オカダ", 3),
    ("長谷川", "hasegawa", "ハセガワ", 3),
    ("藤田", "fujita", "フジタ", 3),
    ("後藤", "goto", "ゴトウ", 3),
    ("近藤", "kondo", "コンドウ", 3),
    ("村上", "murakami", "ムラカミ", 2),
    ("遠藤", "endo", "エンドウ", 2),
    ("青木", "aoki", "アオキ", 2),
    ("坂本", "sakamoto", "サカモト", 2),
    ("斉藤", "saito", "サイトウ", 2),
    ("福田", "fukuda", "フクダ", 2),
    ("太田", "ota", "オオタ", 2),
    ("西村", "nishimura", "ニシムラ", 2),
    ("藤井", "fujii", "フジイ", 2),
    ("岡本", "okamoto", "オカモト", 2),
    ("松田", "matsuda", "マツダ", 2),
    ("中川", "nakagawa", "ナカガワ", 2),
    ("原田", "harada", "ハラダ", 2),
    ("小野", "ono", "オノ", 2),
    ("竹内", "takeuchi", "タケウチ", 2),
    ("金子", "kaneko", "カネコ", 2),
    ("和田", "wada", "ワダ", 2),
    ("中野", "nakano", "ナカノ", 2),
    ("原", "hara", "ハラ", 1),
    ("田村", "tamura", "タムラ", 1),
    ("上野", "ueno", "ウエノ", 1),
    ("菅原", "sugawara", "スガワラ", 1),
    ("宮本", "miyamoto", "ミヤモト", 1),
    ("野口", "noguchi", "ノグチ", 1),
]
GIVEN = [
    ("翔", "sho", "ショウ"),
    ("蓮", "ren", "レン"),
    ("陽菜", "hina", "ヒナ"),
    ("結衣", "yui", "ユイ"),
    ("大輔", "daisuke", "ダイスケ"),
    ("健太", "kenta", "ケンタ"),
    ("美咲", "misaki", "ミサキ"),
    ("直樹", "naoki", "ナオキ"),
    ("彩", "aya", "アヤ"),
    ("拓也", "takuya", "タクヤ"),
    ("真由美", "mayumi", "マユミ"),
    ("誠", "makoto", "マコト"),
    ("恵", "megumi", "メグミ"),
    ("和也", "kazuya", "カズヤ"),
    ("優子", "yuko", "ユウコ"),
    ("剛", "tsuyoshi", "ツヨシ"),
    ("愛", "ai", "アイ"),
    ("隆", "takashi", "タカシ"),
    ("由美", "yumi", "ユミ"),
    ("浩", "hiroshi", "ヒロシ"),
    ("太郎", "taro", "タロウ"),
    ("花子", "hanako", "ハナコ"),
    ("健一", "kenichi", "ケンイチ"),
    ("裕子", "yuko", "ユウコ"),
    ("正樹", "masaki", "マサキ"),
    ("明美", "akemi", "アケミ"),
    ("学", "manabu", "マナブ"),
    ("智子", "tomoko", "トモコ"),
    ("修", "osamu", "オサム"),
    ("久美子", "kumiko", "クミコ"),
    ("大樹", "daiki", "ダイキ"),
    ("沙織", "saori", "サオリ"),
    ("亮", "ryo", "リョウ"),
    ("千尋", "chihiro", "チヒロ"),
    ("悠斗", "yuto", "ユウト"),
    ("奈々", "nana", "ナナ"),
    ("雄一", "yuichi", "ユウイチ"),
    ("麻衣", "mai", "マイ"),
    ("達也", "tatsuya", "タツヤ"),
    ("香織", "kaori", "カオリ"),
    ("翼", "tsubasa", "ツバサ"),
    ("舞", "mai", "マイ"),
    ("慎也", "shinya", "シンヤ"),
    ("美穂", "miho", "ミホ"),
    ("康弘", "yasuhiro", "ヤスヒロ"),
    ("由紀", "yuki", "ユキ"),
    ("哲也", "tetsuya", "テツヤ"),
    ("絵美", "emi", "エミ"),
    ("大介", "daisuke", "ダイスケ"),
    ("瞳", "hitomi", "ヒトミ"),
    ("秀樹", "hideki", "ヒデキ"),
    ("陽子", "yoko", "ヨウコ"),
    ("純一", "junichi", "ジュンイチ"),
    ("理恵", "rie", "リエ"),
    ("俊介", "shunsuke", "シュンスケ"),
    ("美香", "mika", "ミカ"),
    ("勇気", "yuki", "ユウキ"),
    ("さくら", "sakura", "サクラ"),
    ("光", "hikaru", "ヒカル"),
    ("真一", "shinichi", "シンイチ"),
    ("颯太", "sota", "ソウタ"),
    ("湊", "minato", "ミナト"),
    ("陽翔", "haruto", "ハルト"),
    ("凛", "rin", "リン"),
    ("葵", "aoi", "アオイ"),
    ("芽依", "mei", "メイ"),
    ("一郎", "ichiro", "イチロウ"),
    ("次郎", "jiro", "ジロウ"),
    ("浩二", "koji", "コウジ"),
    ("雅人", "masato", "マサト"),
    ("智也", "tomoya", "トモヤ"),
    ("洋平", "yohei", "ヨウヘイ"),
    ("恭子", "kyoko", "キョウコ"),
    ("京子", "kyoko", "キョウコ"),
    ("典子", "noriko", "ノリコ"),
    ("幸子", "sachiko", "サチコ"),
    ("綾香", "ayaka", "アヤカ"),
    ("遥", "haruka", "ハルカ"),
    ("佳奈", "kana", "カナ"),
    ("彩花", "ayaka", "アヤカ"),
    ("晴美", "harumi", "ハルミ"),
    ("隼人", "hayato", "ハヤト"),
    ("拓海", "takumi", "タクミ"),
    ("健司", "kenji", "ケンジ"),
    ("賢治", "kenji", "ケンジ"),
    ("茂", "shigeru", "シゲル"),
    ("稔", "minoru", "ミノル"),
    ("武", "takeshi", "タケシ"),
    ("聡", "satoshi", "サトシ"),
    ("徹", "toru", "トオル"),
    ("弘美", "hiromi", "ヒロミ"),
    ("友美", "tomomi", "トモミ"),
    ("真理", "mari", "マリ"),
    ("美紀", "miki", "ミキ"),
    ("千春", "chiharu", "チハル"),
    ("夏美", "natsumi", "ナツミ"),
    ("亮太", "ryota", "リョウタ"),
    ("翔太", "shota", "ショウタ"),
    ("駿", "shun", "シュン"),
    ("圭", "kei", "ケイ"),
    ("航", "wataru", "ワタル"),
    ("大地", "daichi", "ダイチ"),
]
# The long tail: real Japan has tens of thousands of surnames and thousands of given
# names, so after the frequent ones above, names are composed from common kanji
# (with one reading each). Without a tail, namesakes would be far commoner than in
# real data and the benchmark would measure the generator, not the matcher.
TAIL_FAMILY_A = [
    ("松", "matsu"),
    ("竹", "take"),
    ("梅", "ume"),
    ("桜", "sakura"),
    ("杉", "sugi"),
    ("柳", "yanagi"),
    ("浅", "asa"),
    ("深", "fuka"),
    ("黒", "kuro"),
    ("白", "shira"),
    ("赤", "aka"),
    ("青", "ao"),
    ("金", "kane"),
    ("今", "ima"),
    ("古", "furu"),
    ("新", "nii"),
    ("大", "o"),
    ("小", "ko"),
    ("上", "kami"),
    ("下", "shimo"),
    ("北", "kita"),
    ("南", "minami"),
    ("東", "higashi"),
    ("西", "nishi"),
    ("宮", "miya"),
    ("久", "hisa"),
    ("長", "naga"),
    ("菊", "kiku"),
    ("荒", "ara"),
    ("川", "kawa"),
    ("石", "ishi"),
    ("岩", "iwa"),
]
TAIL_FAMILY_B = [
    ("田", "da"),
    ("川", "kawa"),
    ("山", "yama"),
    ("野", "no"),
    ("村", "mura"),
    ("井", "i"),
    ("島", "shima"),
    ("沢", "sawa"),
    ("原", "hara"),
    ("谷", "tani"),
    ("橋", "hashi"),
    ("崎", "saki"),
    ("木", "ki"),
    ("本", "moto"),
    ("口", "guchi"),
    ("尾", "o"),
    ("岡", "oka"),
    ("森", "mori"),
    ("池", "ike"),
    ("浦", "ura"),
    ("坂", "saka"),
    ("林", "bayashi"),
    ("部", "be"),
    ("内", "uchi"),
]
TAIL_GIVEN_A = [
    ("健", "ken"),
    ("大", "dai"),
    ("翔", "sho"),
    ("和", "kazu"),
    ("直", "nao"),
    ("裕", "yu"),
    ("正", "masa"),
    ("達", "tatsu"),
    ("美", "mi"),
    ("優", "yu"),
    ("真", "ma"),
    ("恵", "e"),
    ("智", "tomo"),
    ("彩", "aya"),
    ("陽", "haru"),
    ("光", "mitsu"),
    ("秀", "hide"),
    ("俊", "toshi"),
    ("信", "nobu"),
    ("英", "hide"),
    ("千", "chi"),
    ("貴", "taka"),
    ("康", "yasu"),
    ("昌", "masa"),
]
TAIL_GIVEN_B = [
    ("太", "ta"),
    ("也", "ya"),
    ("樹", "ki"),
    ("介", "suke"),
    ("一", "ichi"),
    ("人", "to"),
    ("斗", "to"),
    ("平", "hei"),
    ("子", "ko"),
    ("香", "ka"),
    ("奈", "na"),
    ("花", "ka"),
    ("里", "ri"),
    ("希", "ki"),
    ("代", "yo"),
    ("江", "e"),
    ("輝", "teru"),
    ("彦", "hiko"),
    ("生", "o"),
    ("男", "o"),
]
ITAIJI = {
    "渡辺": "渡邊",
    "高橋": "髙橋",
    "山崎": "山﨑",
    "斎藤": "齋藤",
    "斉藤": "齊藤",
}
WEST_FIRST = [
    "John",
    "Emily",
    "Michael",
    "Sarah",
    "David",
    "Laura",
    "James",
    "Anna",
    "Robert",
    "Maria",
    "Daniel",
    "Sophie",
    "Thomas",
    "Julia",
    "Mark",
    "Claire",
    "Peter",
    "Lucy",
    "Kevin",
    "Hannah",
    "Lukas",
    "Lena",
    "Paul",
    "Nina",
    "Oliver",
    "Grace",
    "Henry",
    "Chloe",
    "Samuel",
    "Zoe",
    "Adam",
    "Ella",
    "Felix",
    "Mia",
    "Oscar",
    "Ruby",
    "Jonas",
    "Clara",
    "Leon",
    "Isabel",
    "Victor",
    "Alice",
    "Hugo",
    "Elena",
    "Simon",
    "Sofia",
    "Martin",
    "Ines",
    "Carlos",
    "Lucia",
    "Andrew",
    "Rachel",
    "Brian",
    "Megan",
    "Steven",
    "Karen",
    "Ethan",
    "Olivia",
    "Noah",
    "Ava",
    "Liam",
    "Emma",
    "Mason",
    "Amelia",
]
WEST_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Muller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Becker",
    "Wagner",
    "Hall",
    "Allen",
    "Garcia",
    "Rodriguez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Nguyen",
    "Hill",
    "Adams",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "James",
    "Hughes",
    "Price",
    "Sanders",
    "Myers",
    "Long",
    "Ross",
    "Foster",
    "Powell",
    "Jenkins",
    "Perry",
    "Russell",
    "Sullivan",
    "Fisher",
    "Henderson",
    "Coleman",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
]
CO_A = [
    ("サクラ", "sakura"),
    ("アオバ", "aoba"),
    ("ミナト", "minato"),
    ("ヒカリ", "hikari"),
    ("ツバサ", "tsubasa"),
    ("カエデ", "kaede"),
    ("ホクト", "hokuto"),
    ("シラカワ", "shirakawa"),
    ("ナギサ", "nagisa"),
    ("アサヒ", "asahi"),
    ("コトブキ", "kotobuki"),
    ("ユウキ", "yuki"),
    ("日本", "nihon"),
    ("東京", "tokyo"),
    ("大和", "yamato"),
    ("富士", "fuji"),
    ("中央", "chuo"),
    ("北斗", "hokuto"),
    ("東洋", "toyo"),
    ("関西", "kansai"),
    ("みらい", "mirai"),
    ("グリーン", "green"),
    ("ブルー", "blue"),
    ("スカイ", "sky"),
    ("オリオン", "orion"),
    ("ソレイユ", "soleil"),
    ("ミドリ", "midori"),
    ("タカラ", "takara"),
    ("ヤマト", "yamato"),
    ("ハヤテ", "hayate"),
    ("イズミ", "izumi"),
    ("サンライズ", "sunrise"),
    ("アルファ", "alpha"),
    ("ネクスト", "next"),
    ("トライ", "tri"),
    ("エース", "ace"),
    ("丸", "maru"),
    ("大成", "taisei"),
    ("新光", "shinko"),
    ("昭和", "showa"),
    ("平和", "heiwa"),
    ("共栄", "kyoei"),
    ("三和", "sanwa"),
    ("第一", "daiichi"),
    ("千代田", "chiyoda"),
    ("港北", "kohoku"),
    ("湘南", "shonan"),
    ("瀬戸", "seto"),
    ("北陸", "hokuriku"),
    ("九州", "kyushu"),
    ("信州", "shinshu"),
    ("琉球", "ryukyu"),
    ("オーシャン", "ocean"),
    ("フォレスト", "forest"),
    ("リバー", "river"),
    ("ステラ", "stella"),
    ("ノース", "north"),
    ("ウエスト", "west"),
    ("センチュリー", "century"),
    ("ユニオン", "union"),
]
CO_B = [
    ("テック", "tech"),
    ("商事", "shoji"),
    ("ロジスティクス", "logi"),
    ("製作所", "ss"),
    ("工業", "kogyo"),
    ("設計", "sekkei"),
    ("精機", "seiki"),
    ("食品", "foods"),
    ("不動産", "re"),
    ("ネット", "net"),
    ("電機", "denki"),
    ("医療", "medical"),
    ("システムズ", "systems"),
    ("ソリューションズ", "solutions"),
    ("化学", "chem"),
    ("建設", "kensetsu"),
    ("物産", "bussan"),
    ("電子", "denshi"),
    ("薬品", "yakuhin"),
    ("運輸", "unyu"),
    ("印刷", "insatsu"),
    ("興業", "kogyo2"),
    ("技研", "giken"),
    ("産業", "sangyo"),
    ("コンサルティング", "consulting"),
    ("データ", "data"),
    ("エンジニアリング", "eng"),
    ("ホールディングス", "hd"),
    ("マテリアル", "material"),
    ("メディカル", "medi"),
    ("エナジー", "energy"),
    ("フーズ", "foods2"),
    ("デザイン", "design"),
    ("ラボ", "lab"),
    ("サービス", "service"),
    ("通信", "tsushin"),
    ("機械", "kikai"),
    ("鋼業", "kogyo3"),
    ("繊維", "seni"),
    ("保険", "hoken"),
    ("情報", "joho"),
    ("開発", "kaihatsu"),
    ("ビジネス", "biz"),
    ("クリエイト", "create"),
    ("トレーディング", "trading"),
    ("アド", "ad"),
    ("ファーマ", "pharma"),
    ("リース", "lease"),
    ("ワークス", "works"),
    ("パートナーズ", "partners"),
]
CO_REGION = [
    ("", ""),
    ("東日本", "east"),
    ("西日本", "west"),
    ("北海道", "hokkaido"),
    ("中部", "chubu"),
    ("九州", "q"),
    ("関東", "kanto"),
    ("近畿", "kinki"),
]
WEST_CO = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Cyberdyne",
    "Soylent",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Tyrell",
    "Aperture",
    "Gringotts",
    "Oscorp",
    "Massive",
    "Pied Piper",
    "Blue Sun",
    "Monarch",
    "Dunder",
]
WEST_CO_B = [
    "Systems",
    "Software",
    "Analytics",
    "Holdings",
    "Labs",
    "Industries",
    "Networks",
    "Partners",
    "Dynamics",
    "Logistics",
]
WEST_FORMS = ["Inc.", "Corp.", "Ltd.", "LLC", "GmbH", "Co., Ltd.", "Corporation"]
FREE_MAIL = [
    "gmail.com",
    "yahoo.co.jp",
    "outlook.jp",
    "icloud.com",
    "docomo.ne.jp",
    "hotmail.co.jp",
    "ezweb.ne.jp",
]
CITIES = [
    ("東京都", "03"),
    ("大阪府", "06"),
    ("横浜市", "045"),
    ("名古屋市", "052"),
    ("福岡市", "092"),
    ("札幌市", "011"),
    ("仙台市", "022"),
    ("京都市", "075"),
    ("神戸市", "078"),
    ("広島市", "082"),
]
PATTERNS = ["{f}.{l}", "{fi}{l}", "{l}.{f}", "{l}-{fi}", "{l}{fi}", "{l}_{f}"]
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}
HALF_KANA = {
    "ア": "ｱ",
    "イ": "ｲ",
    "ウ": "ｳ",
    "エ": "ｴ",
    "オ": "ｵ",
    "カ": "ｶ",
    "キ": "ｷ",
    "ク": "ｸ",
    "ケ": "ｹ",
    "コ": "ｺ",
    "サ": "ｻ",
    "シ": "ｼ",
    "ス": "ｽ",
    "セ": "ｾ",
    "ソ": "ｿ",
    "タ": "ﾀ",
    "チ": "ﾁ",
    "ツ": "ﾂ",
    "テ": "ﾃ",
    "ト": "ﾄ",
    "ナ": "ﾅ",
    "ニ": "ﾆ",
    "ヌ": "ﾇ",
    "ネ": "ﾈ",
    "ノ": "ﾉ",
    "ハ": "ﾊ",
    "ヒ": "ﾋ",
    "フ": "ﾌ",
    "ヘ": "ﾍ",
    "ホ": "ﾎ",
    "マ": "ﾏ",
    "ミ": "ﾐ",
    "ム": "ﾑ",
    "メ": "ﾒ",
    "モ": "ﾓ",
    "ヤ": "ﾔ",
    "ユ": "ﾕ",
    "ヨ": "ﾖ",
    "ラ": "ﾗ",
    "リ": "ﾘ",
    "ル": "ﾙ",
    "レ": "ﾚ",
    "ロ": "ﾛ",
    "ワ": "ﾜ",
    "ン": "ﾝ",
    "ー": "ｰ",
    "ガ": "ｶﾞ",
    "ギ": "ｷﾞ",
    "グ": "ｸﾞ",
    "ゴ": "ｺﾞ",
    "ジ": "ｼﾞ",
    "ズ": "ｽﾞ",
    "ダ": "ﾀﾞ",
    "デ": "ﾃﾞ",
    "ド": "ﾄﾞ",
    "ブ": "ﾌﾞ",
    "ビ": "ﾋﾞ",
    "パ": "ﾊﾟ",
    "ピ": "ﾋﾟ",
    "ポ": "ﾎﾟ",
    "ッ": "ｯ",
    "ャ": "ｬ",
    "ュ": "ｭ",
    "ョ": "ｮ",
    "ィ": "ｨ",
    "ェ": "ｪ",
    "ォ": "ｫ",
}
TYPO_KANJI = "一二三大太小山川田中本木村井上下口石原野"
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
COLUMNS = [
    "id",
    "cluster_id",
    "email",
    "last_name",
    "first_name",
    "company",
    "phone",
    "city",
    "updated_at",
]


class Company:
    """One employer: names, domain, main line, email pattern and used locals."""

    __slots__ = ("city", "domain", "en", "ja", "main", "pattern", "prefix", "used")

    def __init__(
        self,
        ja: str,
        en: str,
        domain: str,
        city: str,
        prefix: str,
        main: str,
        pattern: str,
    ) -> None:
        self.ja, self.en, self.domain, self.city = ja, en, domain, city
        self.prefix, self.main, self.pattern = prefix, main, pattern
        self.used: set[str] = set()


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _companies(rng: random.Random, count: int) -> list[Company]:
    combos = [(a, b, r) for a in CO_A for b in CO_B for r in CO_REGION]
    rng.shuffle(combos)
    result = []
    domains: set[str] = set()
    for index in range(count):
        city, area = rng.choice(CITIES)
        rest = _digits(rng, 10 - len(area))
        main = f"{area}-{rest[:-4]}-{rest[-4:]}"
        pattern = rng.choice(PATTERNS)
        if index < len(combos) and rng.random() < 0.85:
            (a, ar), (b, br), (r, rr) = combos[index]
            core = f"{a}{r}{b}"
            form = rng.choice(["株式会社", "株式会社", "株式会社", "有限会社"])
            ja = f"{form}{core}" if rng.random() < 0.6 else f"{core}{form}"
            en = f"{ar.title()} {br.title()} {rr.title()}".strip() + " Co., Ltd."
            domain = f"{ar}-{br}{'-' + rr if rr else ''}"
            if domain in domains:
                domain = f"{domain}{index}"
            domains.add(domain)
            domain = f"{domain}.{rng.choice(['co.jp', 'jp'])}"
        else:
            core = f"{rng.choice(WEST_CO)} {rng.choice(WEST_CO_B)} {index}"
            ja = en = f"{core} {rng.choice(WEST_FORMS)}"
            domain = core.lower().replace(" ", "") + ".com"
        result.append(Company(ja, en, domain, city, area, main, pattern))
    return result


def _local(rng: random.Random, company: Company, first: str, last: str) -> str:
    base = company.pattern.format(f=first, l=last, fi=first[:1])
    local, n = base, 1
    while local in company.used:
        n += 1
        local = f"{base}{n}"
    company.used.add(local)
    return local


def _free_mail(rng: random.Random, stem: str) -> str:
    while True:
        email = f"{stem}{_digits(rng, 4)}@{rng.choice(FREE_MAIL)}"
        if email not in FREE_USED:
            FREE_USED.add(email)
            return email


def _entity(
    rng: random.Random, index: int, companies: list[Company], weights: list[float]
) -> dict[str, Any]:
    company = rng.choices(companies, cum_weights=weights)[0]
    if company.ja == company.en or rng.random() < 0.08:
        last, first = rng.choice(WEST_LAST), rng.choice(WEST_FIRST)
        last_r, first_r, kana = last.lower(), first.lower(), ""
    else:
        if rng.random() < 0.6:
            last, last_r, kana_l, _ = rng.choices(SURNAMES, cum_weights=SURNAME_W)[0]
        else:
            (a, ar), (b, br) = rng.choice(TAIL_FAMILY_A), rng.choice(TAIL_FAMILY_B)
            last, last_r, kana_l = a + b, ar + br, ""
        if rng.random() < 0.6:
            first, first_r, kana_f = rng.choice(GIVEN)
        else:
            (a, ar), (b, br) = rng.choice(TAIL_GIVEN_A), rng.choice(TAIL_GIVEN_B)
            first, first_r, kana_f = a + b, ar + br, ""
        kana = f"{kana_l} {kana_f}" if kana_l and kana_f else ""
    roll = rng.random()
    if roll < 0.70:
        email = f"{_local(rng, company, first_r, last_r)}@{company.domain}"
    elif roll < 0.95:
        email = _free_mail(rng, f"{first_r}.{last_r}")
    else:
        email = ""
    roll = rng.random()
    if roll < 0.40:
        phone = f"0{rng.choice('789')}0-{_digits(rng, 4)}-{_digits(rng, 4)}"
    elif roll < 0.75:
        phone = company.main
    else:
        phone = ""
    return {
        "id": str(index),
        "cluster_id": str(index),
        "email": email,
        "last_name": last,
        "first_name": first,
        "company": company.ja,
        "phone": phone,
        "city": company.city,
        "_en": company.en,
        "_kana": kana,
        "_first_r": first_r,
        "_last_r": last_r,
        "_domain": company.domain,
        "_company": company,
        "updated_at": (EPOCH + timedelta(minutes=rng.randrange(1_000_000))).isoformat(),
    }


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    pool = ALPHABET if text.isascii() else TYPO_KANJI
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + rng.choice(pool) + text[i + 1 :]
    if kind < 0.7 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def _noisy_email(rng: random.Random, row: dict[str, Any]) -> str:
    email = row["email"]
    roll = rng.random()
    if not email or roll < 0.10:
        return email
    local, _, domain = email.partition("@")
    if roll < 0.35:
        return rng.choice(
            [email.upper(), email.title(), f" {email} ", email.capitalize()]
        )
    if roll < 0.42:
        return email.translate(FULL_WIDTH)
    if roll < 0.55:
        tagged = f"{local}+{rng.choice(['news', 'expo', 'dl', 'web'])}@{domain}"
        if domain == "gmail.com" and "." not in local and len(local) > 3:
            tagged = f"{local[:2]}.{local[2:]}@{domain}"
        return tagged
    if roll < 0.70:
        if domain in FREE_MAIL:
            company = row["_company"]
            local = _local(rng, company, row["_first_r"], row["_last_r"])
            return f"{local}@{company.domain}"
        return _free_mail(rng, f"{row['_last_r']}{row['_first_r']}")
    if roll < 0.82:
        return ""
    if roll < 0.88:
        return f"{_typo(rng, local)}@{domain}"
    return email


def _noisy_name(rng: random.Random, row: dict[str, Any]) -> tuple[str, str]:
    last, first = row["last_name"], row["first_name"]
    roll = rng.random()
    if roll < 0.20:
        return first, last
    if roll < 0.25:
        return f"{last}{' ' if rng.random() < 0.5 else ''}{first}", ""
    if roll < 0.28 and row["_kana"]:
        kana_l, kana_f = row["_kana"].split(" ")
        if rng.random() < 0.5:
            kana_l = "".join(HALF_KANA.get(c, c) for c in kana_l)
            kana_f = "".join(HALF_KANA.get(c, c) for c in kana_f)
        return kana_l, kana_f
    if roll < 0.34:
        return (
            (_typo(rng, last), first)
            if rng.random() < 0.5
            else (last, _typo(rng, first))
        )
    if roll < 0.38:
        return ITAIJI.get(last, last), first
    if roll < 0.43:
        return last, ""
    if roll < 0.48 and last.isascii():
        return last.upper(), first.translate(FULL_WIDTH)
    return last, first


def _noisy_company(rng: random.Random, row: dict[str, Any]) -> str:
    name = row["company"]
    roll = rng.random()
    for form in ("株式会社", "有限会社"):
        if form in name:
            core = name.replace(form, "")
            marker = "(株)" if form == "株式会社" else "(有)"
            if roll < 0.35:
                return rng.choice(
                    [
                        f"{core}{form}",
                        f"{form}{core}",
                        f"{marker}{core}",
                        f"{core}{marker}",
                        f"㈱{core}",
                        core,
                        f"{form} {core}",
                        f"（株）{core}",
                    ]
                )
            if roll < 0.40:
                return "".join(HALF_KANA.get(c, c) for c in name)
            break
    if roll < 0.45:
        return _typo(rng, name)
    if roll < 0.53:
        return ""
    if roll < 0.56:
        return row["_en"]
    if roll < 0.60 and name.isascii():
        return name.upper()
    return name


def _noisy_phone(rng: random.Random, phone: str) -> str:
    roll = rng.random()
    if not phone or roll < 0.30:
        return phone
    digits = phone.replace("-", "")
    if roll < 0.70:
        head, mid, tail = phone.split("-")
        return rng.choice(
            [
                digits,
                f"+81 {head[1:]} {mid} {tail}",
                f"+81-{head[1:]}-{mid}-{tail}",
                phone.translate(FULL_WIDTH),
                f"({head}){mid}-{tail}",
                f"{head} {mid} {tail}",
                f"+81 (0){head[1:]} {mid} {tail}",
            ]
        )
    if roll < 0.85:
        return ""
    return f"0{rng.choice('789')}0-{_digits(rng, 4)}-{_digits(rng, 4)}"


def _duplicate(rng: random.Random, row: dict[str, Any], new_id: int) -> dict[str, Any]:
    last, first = _noisy_name(rng, row)
    stamp = EPOCH + timedelta(minutes=rng.randrange(1_000_000))
    return {
        **row,
        "id": str(new_id),
        "email": _noisy_email(rng, row),
        "last_name": last,
        "first_name": first,
        "company": _noisy_company(rng, row),
        "phone": _noisy_phone(rng, row["phone"]),
        "updated_at": stamp.isoformat(),
    }


EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
FREE_USED: set[str] = set()
SURNAME_W: list[float] = []
_total = 0.0
for _row in SURNAMES:
    _total += _row[3]
    SURNAME_W.append(_total)


def generate(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """Return ``count`` rows, ~10 % of them duplicates of earlier people, shuffled."""
    rng = random.Random(seed)
    companies = _companies(rng, max(20, count // 20))
    weights: list[float] = []
    total = 0.0
    for rank in range(1, len(companies) + 1):
        total += rank**-0.5
        weights.append(total)
    people = round(count / 1.1)
    rows = [_entity(rng, i, companies, weights) for i in range(people)]
    for new_id in range(people, count):
        rows.append(_duplicate(rng, rows[rng.randrange(people)], new_id))
    rng.shuffle(rows)
    return rows


def write(rows: list[dict[str, Any]], path: Path) -> None:
    """Write the public columns of ``rows`` as UTF-8 CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    write(generate(args.count, args.seed), args.output)


if __name__ == "__main__":
    main()
