"""Japanese word lists for the held-out lead generator.

Kept apart from the generator so the data can grow without burying the logic.
Entries are written as ``kanji:katakana:weight`` so a reader can check a reading at
a glance; weights are rough shares of the population (very common names dominate,
as they do in Japan), and the long tail is composed from name parts at run time.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """Split a whitespace-separated word list (``_`` stands for a space in a word)."""
    return text.split()


def table(text: str) -> list[tuple[str, ...]]:
    """Split a whitespace-separated list of colon-joined fields into tuples."""
    return [tuple(item.split(":")) for item in text.split()]


# Surnames by rough frequency: the top ten are about a sixth of all people.
SURNAMES = table("""
佐藤:サトウ:187 鈴木:スズキ:180 高橋:タカハシ:142 田中:タナカ:134 伊藤:イトウ:108
渡辺:ワタナベ:108 山本:ヤマモト:108 中村:ナカムラ:105 小林:コバヤシ:102 加藤:カトウ:89
吉田:ヨシダ:84 山田:ヤマダ:82 佐々木:ササキ:68 山口:ヤマグチ:64 松本:マツモト:63
井上:イノウエ:61 木村:キムラ:58 林:ハヤシ:53 斎藤:サイトウ:50 清水:シミズ:49
山崎:ヤマザキ:47 森:モリ:46 池田:イケダ:43 橋本:ハシモト:43 阿部:アベ:43
石川:イシカワ:42 山下:ヤマシタ:41 中島:ナカジマ:40 石井:イシイ:40 小川:オガワ:39
前田:マエダ:39 岡田:オカダ:38 長谷川:ハセガワ:38 藤田:フジタ:37 後藤:ゴトウ:37
近藤:コンドウ:36 村上:ムラカミ:35 遠藤:エンドウ:34 青木:アオキ:34 坂本:サカモト:33
斉藤:サイトウ:33 福田:フクダ:32 太田:オオタ:32 西村:ニシムラ:31 藤井:フジイ:31
金子:カネコ:30 岡本:オカモト:30 藤原:フジワラ:30 中野:ナカノ:29 三浦:ミウラ:29
原田:ハラダ:29 中川:ナカガワ:29 松田:マツダ:28 竹内:タケウチ:28 小野:オノ:28
田村:タムラ:28 中山:ナカヤマ:27 和田:ワダ:27 石田:イシダ:27 森田:モリタ:26
上田:ウエダ:26 原:ハラ:26 内田:ウチダ:26 柴田:シバタ:25 酒井:サカイ:25
宮崎:ミヤザキ:25 横山:ヨコヤマ:25 高木:タカギ:25 安藤:アンドウ:24 宮本:ミヤモト:24
大野:オオノ:24 小島:コジマ:23 谷口:タニグチ:23 今井:イマイ:23 工藤:クドウ:23
高田:タカダ:22 増田:マスダ:22 丸山:マルヤマ:22 杉山:スギヤマ:22 村田:ムラタ:22
大塚:オオツカ:21 新井:アライ:21 小山:コヤマ:21 平野:ヒラノ:21 藤本:フジモト:21
河野:コウノ:20 上野:ウエノ:20 野口:ノグチ:20 武田:タケダ:20 松井:マツイ:20
千葉:チバ:19 岩崎:イワサキ:19 菅原:スガワラ:19 木下:キノシタ:19 久保:クボ:19
佐野:サノ:19 野村:ノムラ:19 松尾:マツオ:18 市川:イチカワ:18 菊地:キクチ:18
杉本:スギモト:18 古川:フルカワ:18 大西:オオニシ:18 島田:シマダ:18 水野:ミズノ:17
桜井:サクライ:17 高野:タカノ:17 渡部:ワタナベ:17 吉川:ヨシカワ:17 山内:ヤマウチ:17
西田:ニシダ:17 飯田:イイダ:16 菊池:キクチ:16 西川:ニシカワ:16 小松:コマツ:16
北村:キタムラ:16 安田:ヤスダ:16 五十嵐:イガラシ:16 川口:カワグチ:15 平田:ヒラタ:15
関:セキ:15 中田:ナカタ:15 久保田:クボタ:15 服部:ハットリ:15 東:ヒガシ:15
岩田:イワタ:15 土屋:ツチヤ:14 川崎:カワサキ:14 福島:フクシマ:14 本田:ホンダ:14
辻:ツジ:14 樋口:ヒグチ:14 秋山:アキヤマ:14 田口:タグチ:14 永井:ナガイ:14
山中:ヤマナカ:13 中西:ナカニシ:13 吉村:ヨシムラ:13 川上:カワカミ:13 石原:イシハラ:13
大橋:オオハシ:13 松岡:マツオカ:13 馬場:ババ:13 浅野:アサノ:13 荒木:アラキ:12
大久保:オオクボ:12 野田:ノダ:12 小沢:オザワ:12 田辺:タナベ:12 川村:カワムラ:12
星野:ホシノ:12 黒田:クロダ:12 堀:ホリ:12 尾崎:オザキ:12 望月:モチヅキ:11
永田:ナガタ:11 熊谷:クマガイ:11 内藤:ナイトウ:11 松村:マツムラ:11 西山:ニシヤマ:11
大谷:オオタニ:11 平井:ヒライ:11 大島:オオシマ:11 岩本:イワモト:11 片山:カタヤマ:11
本間:ホンマ:10 早川:ハヤカワ:10 横田:ヨコタ:10 岡崎:オカザキ:10 荒井:アライ:10
大石:オオイシ:10 鎌田:カマタ:10 成田:ナリタ:10 宮田:ミヤタ:10 小田:オダ:10
石橋:イシバシ:10 篠原:シノハラ:10 須藤:スドウ:10 河合:カワイ:10 大川:オオカワ:10
高井:タカイ:10 小池:コイケ:10 桑原:クワバラ:10 宮下:ミヤシタ:10
""")

# Parts for rare surnames (北 + 沢 = 北沢). The second part's second reading is the
# voiced one (rendaku), used half the time.
SURNAME_HEADS = table("""
北:キタ 南:ミナミ 西:ニシ 東:ヒガシ 大:オオ 小:コ 中:ナカ 上:カミ 下:シモ 山:ヤマ
川:カワ 石:イシ 松:マツ 竹:タケ 梅:ウメ 岡:オカ 森:モリ 高:タカ 長:ナガ 金:カネ
白:シラ 黒:クロ 青:アオ 赤:アカ 平:ヒラ 藤:フジ 宮:ミヤ 水:ミズ 浅:アサ 深:フカ
福:フク 吉:ヨシ 今:イマ 古:フル 若:ワカ 柳:ヤナギ 杉:スギ 岩:イワ 村:ムラ 島:シマ
滝:タキ 星:ホシ 桜:サクラ 菊:キク 鶴:ツル 亀:カメ 熊:クマ 鈴:スズ 寺:テラ 堀:ホリ
""")
SURNAME_TAILS = table("""
田:タ:ダ 川:カワ:ガワ 山:ヤマ:ヤマ 沢:サワ:ザワ 野:ノ:ノ 本:モト:モト 村:ムラ:ムラ
井:イ:イ 島:シマ:ジマ 崎:サキ:ザキ 原:ハラ:バラ 口:グチ:グチ 木:キ:ギ 谷:タニ:ダニ
尾:オ:オ 岡:オカ:オカ 内:ウチ:ウチ 部:ベ:ベ 浦:ウラ:ウラ 橋:ハシ:バシ 塚:ツカ:ヅカ
瀬:セ:セ 森:モリ:モリ 江:エ:エ 倉:クラ:グラ 池:イケ:イケ 坂:サカ:ザカ 城:シロ:ジロ
""")

MALE_GIVEN = table("""
誠:マコト:30 翔太:ショウタ:28 大輔:ダイスケ:28 健太:ケンタ:25 拓也:タクヤ:25
浩:ヒロシ:22 博:ヒロシ:15 弘:ヒロシ:10 隆:タカシ:20 孝:タカシ:10 崇:タカシ:8
学:マナブ:15 直樹:ナオキ:20 健一:ケンイチ:18 亮:リョウ:15 達也:タツヤ:18
和也:カズヤ:18 哲也:テツヤ:15 剛:ツヨシ:12 修:オサム:12 茂:シゲル:10 清:キヨシ:10
勇:イサム:8 明:アキラ:12 実:ミノル:8 豊:ユタカ:10 聡:サトシ:15 智:サトシ:5 蓮:レン:8
悠真:ユウマ:6 陽翔:ハルト:6 湊:ミナト:5 大翔:ヒロト:6 悠斗:ユウト:8 颯太:ソウタ:8
陸:リク:5 拓海:タクミ:8 一郎:イチロウ:8 太郎:タロウ:10 健二:ケンジ:12 浩二:コウジ:12
雄一:ユウイチ:12 秀樹:ヒデキ:12 裕太:ユウタ:15 雅人:マサト:10 康介:コウスケ:12
洋平:ヨウヘイ:10 恭平:キョウヘイ:8 慎也:シンヤ:8 信也:シンヤ:6 智也:トモヤ:12
純一:ジュンイチ:10 俊介:シュンスケ:10 正樹:マサキ:12 和彦:カズヒコ:8 大樹:ダイキ:15
翔:ショウ:10 亮太:リョウタ:15 涼太:リョウタ:6 裕介:ユウスケ:14 祐介:ユウスケ:6
雄介:ユウスケ:6 健:ケン:8 賢治:ケンジ:6 淳:ジュン:6 潤:ジュン:5 修平:シュウヘイ:6
翼:ツバサ:6 駿:シュン:5 英樹:ヒデキ:5 徹:トオル:8 透:トオル:4 勝:マサル:5 進:ススム:5
稔:ミノル:4 昭:アキラ:4 晃:アキラ:4 光:ヒカル:4 優:ユウ:5 恵介:ケイスケ:8
圭介:ケイスケ:8 啓介:ケイスケ:5 直人:ナオト:10 卓也:タクヤ:6 拓真:タクマ:4
貴之:タカユキ:6 雅之:マサユキ:6 秀一:シュウイチ:5 和夫:カズオ:6
""")
FEMALE_GIVEN = table("""
陽子:ヨウコ:20 洋子:ヨウコ:15 恵子:ケイコ:20 京子:キョウコ:15 幸子:サチコ:12
和子:カズコ:12 裕子:ユウコ:18 優子:ユウコ:14 祐子:ユウコ:6 美穂:ミホ:14
真由美:マユミ:12 由美子:ユミコ:12 智子:トモコ:20 友子:トモコ:6 久美子:クミコ:12
直美:ナオミ:14 恵:メグミ:14 愛:アイ:10 彩:アヤ:10 綾:アヤ:6 舞:マイ:10 麻衣:マイ:8
香織:カオリ:14 美咲:ミサキ:14 沙織:サオリ:12 由佳:ユカ:12 明美:アケミ:10 千尋:チヒロ:6
陽菜:ヒナ:6 結衣:ユイ:8 葵:アオイ:6 さくら:サクラ:5 美月:ミヅキ:4 真理:マリ:6
奈々:ナナ:6 理恵:リエ:10 瞳:ヒトミ:10 絵美:エミ:8 恵美:エミ:8 明子:アキコ:10
亜希子:アキコ:6 純子:ジュンコ:10 順子:ジュンコ:6 典子:ノリコ:10 紀子:ノリコ:8
美紀:ミキ:10 早紀:サキ:6 麻美:アサミ:6 千夏:チナツ:4 芽衣:メイ:4 凛:リン:5
結菜:ユイナ:4 美香:ミカ:10 由美:ユミ:10 真美:マミ:8 玲子:レイコ:6 礼子:レイコ:4
淳子:ジュンコ:5 知子:トモコ:5 美由紀:ミユキ:8 美幸:ミユキ:5 里美:サトミ:8
聡子:サトコ:5 文子:フミコ:4 静香:シズカ:5 亜美:アミ:5 彩香:アヤカ:6 加奈子:カナコ:6
佳奈:カナ:5 夏美:ナツミ:8 遥:ハルカ:8 はるか:ハルカ:3 優花:ユウカ:4 梨花:リカ:4
理沙:リサ:5
""")

# Parts for rare given names (康 + 介 = 康介, 千 + 穂 = 千穂).
GIVEN_HEADS = table("""
健:ケン 大:ダイ 翔:ショウ 雄:ユウ 悠:ユウ 康:コウ 正:マサ 和:カズ 秀:ヒデ 英:ヒデ
智:トモ 直:ナオ 友:トモ 晴:ハル 光:ミツ 春:ハル 秋:アキ 幸:ユキ 孝:タカ 貴:タカ
信:ノブ 宏:ヒロ 俊:トシ 敏:トシ 義:ヨシ 良:ヨシ 克:カツ 勝:カツ 達:タツ 龍:リュウ
拓:タク 啓:ケイ 圭:ケイ 恭:キョウ 真:シン 伸:ノブ 昌:マサ 将:ショウ 賢:ケン 泰:ヤス
""")
MALE_TAILS = table("""
太:タ 介:スケ 輔:スケ 也:ヤ 人:ト 斗:ト 樹:キ 彦:ヒコ 郎:ロウ 一:イチ 平:ヘイ 吾:ゴ
治:ジ 之:ユキ 男:オ 司:ジ
""")
FEMALE_HEADS = table("""
美:ミ 千:チ 由:ユ 香:カ 奈:ナ 亜:ア 沙:サ 紗:サ 里:リ 真:マ 恵:エ 早:サ 佐:サ 友:トモ
明:アキ 智:チ 菜:ナ 萌:モエ 詩:シ 彩:アヤ 咲:サキ 若:ワカ 久:ク 小:サ
""")
FEMALE_TAILS = table("""
子:コ 美:ミ 香:カ 恵:エ 菜:ナ 奈:ナ 乃:ノ 代:ヨ 江:エ 花:カ 穂:ホ 里:リ 佳:カ 衣:イ
希:キ 紀:キ
""")

# Old or variant kanji people (and IMEs) write for the same name: 渡邊, 髙橋, 﨑.
KANJI_VARIANTS = {
    "高": "髙",
    "崎": "﨑",
    "辺": "邊",
    "邊": "邉",
    "斎": "齋",
    "斉": "齊",
    "沢": "澤",
    "島": "嶋",
    "浜": "濱",
    "桜": "櫻",
    "広": "廣",
    "国": "國",
    "竜": "龍",
    "恵": "惠",
    "関": "關",
    "富": "冨",
    "蔵": "藏",
}

# Shapes an OCR engine confuses on a printed badge or card.
KANJI_OCR = {
    "未": "末",
    "末": "未",
    "土": "士",
    "士": "土",
    "大": "太",
    "太": "大",
    "田": "由",
    "人": "入",
    "入": "人",
    "木": "本",
    "本": "木",
    "千": "干",
    "子": "了",
    "橋": "槁",
    "藤": "籐",
    "輔": "補",
    "郎": "朗",
    "崎": "埼",
    "島": "鳥",
    "日": "曰",
    "川": "州",
    "村": "材",
    "治": "冶",
    "徹": "撤",
}

# Company parts. Industries: (kanji, romaji, English word).
JP_INDUSTRIES = table("""
商事:Shoji:Trading 建設:Kensetsu:Construction 工業:Kogyo:Industries
製作所:Seisakusho:Works 電機:Denki:Electric 電子:Denshi:Electronics
化学:Kagaku:Chemical 物産:Bussan:Trading 運輸:Unyu:Transport 物流:Butsuryu:Logistics
食品:Shokuhin:Foods 不動産:Fudosan:Realty 製薬:Seiyaku:Pharmaceutical
印刷:Insatsu:Printing 精機:Seiki:Precision 技研:Giken:Engineering 産業:Sangyo:Industry
通信:Tsushin:Communications 機械:Kikai:Machinery 電設:Densetsu:Electrical
住宅:Jutaku:Homes 開発:Kaihatsu:Development 情報システム:Johosystem:Systems
保険:Hoken:Insurance 観光:Kanko:Travel 薬品:Yakuhin:Chemicals
""")
# Name-like stems: (kanji, romaji).
JP_STEM_WORDS = table("""
丸福:Marufuku 東洋:Toyo 日本:Nihon 大和:Yamato 富士:Fuji 協和:Kyowa 三和:Sanwa
昭和:Showa 平和:Heiwa 中央:Chuo 東邦:Toho 北陸:Hokuriku 関西:Kansai 九州:Kyushu
東北:Tohoku 太平洋:Taiheiyo 明治:Meiji 大成:Taisei 共栄:Kyoei 光:Hikari 朝日:Asahi
日東:Nitto 山陽:Sanyo 東和:Towa 日進:Nisshin 栄光:Eiko 第一:Daiichi 三協:Sankyo
大栄:Daiei 丸一:Maruichi 丸三:Marusan 山一:Yamaichi 金星:Kinsei 新光:Shinko 正和:Seiwa
旭:Asahi 菱和:Ryowa 相互:Sogo 中部:Chubu 西日本:Nishinihon 東日本:Higashinihon
丸善:Maruzen
""")
# Katakana stems from English words, with the English word.
JP_KATAKANA_STEMS = table("""
アクシス:Axis ネクスト:Next サンライズ:Sunrise グローバル:Global ブライト:Bright
フューチャー:Future クレスト:Crest リンク:Link ノヴァ:Nova ゼニス:Zenith アーク:Arc
ライト:Light ウィズ:Wiz エコー:Echo プライム:Prime スマート:Smart クラウド:Cloud
""")
JP_KATAKANA_TRADES = table("""
テクノロジー:Technology ソリューションズ:Solutions システムズ:Systems
コンサルティング:Consulting ネットワークス:Networks ラボ:Lab デザイン:Design
マーケティング:Marketing パートナーズ:Partners クリエイト:Create ワークス:Works
""")
# Words a subsidiary adds to its parent's stem: (kanji or kana, romaji, subdomain).
JP_SUBSIDIARY_WORDS = table("""
ロジスティクス:Logistics:logi システムズ:Systems:sys ファイナンス:Finance:fin
エンジニアリング:Engineering:eng テクノサービス:Technoservice:tech
ビジネスサポート:Business-Support:bs
""")

# Legal forms: key -> Japanese renderings, English renderings.
JP_FORMS = {
    "kk": (
        ("株式会社",),
        ("(株)", "（株）", "㈱"),
        ("Co., Ltd.", "Corporation", "Inc.", "K.K."),
    ),
    "yk": (("有限会社",), ("(有)", "（有）", "㈲"), ("Ltd.", "Y.K.", "Co., Ltd.")),
    "gk": (("合同会社",), ("(同)", "（同）"), ("LLC", "G.K.")),
}

# Offices: prefecture, prefecture in English, city, city in English, area code,
# first three postcode digits, weight (Tokyo dominates).
JP_LOCATIONS = table("""
東京都:Tokyo:千代田区:Chiyoda-ku:03:100:12 東京都:Tokyo:中央区:Chuo-ku:03:104:10
東京都:Tokyo:港区:Minato-ku:03:105:14 東京都:Tokyo:新宿区:Shinjuku-ku:03:160:8
東京都:Tokyo:渋谷区:Shibuya-ku:03:150:8 東京都:Tokyo:品川区:Shinagawa-ku:03:141:6
東京都:Tokyo:江東区:Koto-ku:03:135:4 東京都:Tokyo:豊島区:Toshima-ku:03:170:3
東京都:Tokyo:文京区:Bunkyo-ku:03:113:2 東京都:Tokyo:台東区:Taito-ku:03:110:2
東京都:Tokyo:大田区:Ota-ku:03:144:2 東京都:Tokyo:世田谷区:Setagaya-ku:03:154:2
東京都:Tokyo:八王子市:Hachioji-shi:042:192:1
東京都:Tokyo:武蔵野市:Musashino-shi:0422:180:1
大阪府:Osaka:大阪市北区:Osaka-shi_Kita-ku:06:530:6
大阪府:Osaka:大阪市中央区:Osaka-shi_Chuo-ku:06:541:5
大阪府:Osaka:豊中市:Toyonaka-shi:06:560:1
神奈川県:Kanagawa:横浜市西区:Yokohama-shi_Nishi-ku:045:220:4
神奈川県:Kanagawa:川崎市幸区:Kawasaki-shi_Saiwai-ku:044:212:2
神奈川県:Kanagawa:厚木市:Atsugi-shi:046:243:1
愛知県:Aichi:名古屋市中区:Nagoya-shi_Naka-ku:052:460:4
愛知県:Aichi:豊田市:Toyota-shi:0565:471:1
福岡県:Fukuoka:福岡市博多区:Fukuoka-shi_Hakata-ku:092:812:3
北海道:Hokkaido:札幌市中央区:Sapporo-shi_Chuo-ku:011:060:2
宮城県:Miyagi:仙台市青葉区:Sendai-shi_Aoba-ku:022:980:2
広島県:Hiroshima:広島市中区:Hiroshima-shi_Naka-ku:082:730:1
京都府:Kyoto:京都市下京区:Kyoto-shi_Shimogyo-ku:075:600:2
兵庫県:Hyogo:神戸市中央区:Kobe-shi_Chuo-ku:078:650:2
埼玉県:Saitama:さいたま市大宮区:Saitama-shi_Omiya-ku:048:330:2
千葉県:Chiba:千葉市中央区:Chiba-shi_Chuo-ku:043:260:1
静岡県:Shizuoka:浜松市中区:Hamamatsu-shi_Naka-ku:053:430:1
新潟県:Niigata:新潟市中央区:Niigata-shi_Chuo-ku:025:950:1
岡山県:Okayama:岡山市北区:Okayama-shi_Kita-ku:086:700:1
熊本県:Kumamoto:熊本市中央区:Kumamoto-shi_Chuo-ku:096:860:1
石川県:Ishikawa:金沢市:Kanazawa-shi:076:920:1
長野県:Nagano:長野市:Nagano-shi:026:380:1
茨城県:Ibaraki:つくば市:Tsukuba-shi:029:305:1 奈良県:Nara:奈良市:Nara-shi:0742:630:1
香川県:Kagawa:高松市:Takamatsu-shi:087:760:1 沖縄県:Okinawa:那覇市:Naha-shi:098:900:1
""")

# Titles: (Japanese, English, weight); blank means the form had no title.
JP_TITLES = table("""
-:-:22 担当:Staff:6 主任:Supervisor:10 係長:Assistant-Manager:8
課長代理:Deputy-Manager:5 課長:Manager:12 次長:Deputy-General-Manager:4
部長:General-Manager:9 本部長:Division-Director:2 執行役員:Executive-Officer:2
取締役:Director:1 代表取締役社長:President-&-CEO:1 マネージャー:Manager:5
リーダー:Team-Leader:5 エンジニア:Engineer:4 シニアエンジニア:Senior-Engineer:3
コンサルタント:Consultant:2 スペシャリスト:Specialist:2
""")
JP_DEPARTMENTS = table("""
営業部:Sales 第一営業部:Sales-Division-1 第二営業部:Sales-Division-2
法人営業部:Corporate-Sales マーケティング部:Marketing 情報システム部:IT
経営企画部:Corporate-Planning 総務部:General-Affairs 人事部:Human-Resources
経理部:Accounting 財務部:Finance 開発部:Development 技術部:Engineering 研究開発部:R&D
購買部:Procurement 品質保証部:Quality-Assurance カスタマーサクセス部:Customer-Success
DX推進室:DX-Office 広報部:Public-Relations 製造部:Manufacturing
事業企画部:Business-Planning
""")

# Shared company mailboxes; the last two are Japanese-only words.
ROLE_MAILBOXES = ("info", "sales", "contact", "marketing", "toiawase", "eigyo")

JP_FREEMAIL = (
    ("gmail.com", 45),
    ("yahoo.co.jp", 30),
    ("outlook.jp", 10),
    ("icloud.com", 10),
    ("docomo.ne.jp", 3),
    ("ezweb.ne.jp", 2),
)
