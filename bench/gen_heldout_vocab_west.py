"""US and APAC word lists for the held-out lead generator.

Same ``field:field:weight`` layout as the Japanese lists. Multi-word values use
``_`` for a space (``Van_Dyke``), so a list stays one token per entry.
"""

from __future__ import annotations

from bench.gen_heldout_vocab import table, words

MALE_FIRST = table("""
James:33 Michael:33 Robert:32 John:30 David:28 William:26 Richard:20 Joseph:19
Thomas:17 Christopher:18 Charles:14 Daniel:17 Matthew:16 Anthony:12 Mark:12 Steven:11
Andrew:11 Joshua:10 Kevin:10 Brian:10 Jason:10 Ryan:9 Eric:8 Jacob:8 Nicholas:8
Jonathan:7 Justin:7 Brandon:7 Benjamin:7 Samuel:6 Gregory:6 Alexander:6 Patrick:6
Jack:5 Tyler:5 Aaron:5 Adam:5 Nathan:5 Peter:5 Scott:6 Timothy:6 Jeffrey:6 Kenneth:5
Ronald:5 Edward:5 Paul:8 George:6 Zachary:4 Ethan:4 Noah:4 Liam:4 Lucas:3 Mason:3
Logan:3 Carlos:4 Luis:4 Juan:4 Jose:5 Raj:2 Arjun:2 Wei:2 Kenji:1
""")
FEMALE_FIRST = table("""
Mary:25 Patricia:15 Jennifer:22 Linda:14 Elizabeth:18 Barbara:12 Susan:12 Jessica:15
Sarah:16 Karen:11 Lisa:12 Nancy:10 Emily:12 Ashley:10 Michelle:11 Amanda:11 Melissa:10
Stephanie:10 Rebecca:9 Laura:10 Emma:6 Olivia:6 Sophia:5 Rachel:7 Megan:6 Katherine:8
Christine:6 Amy:8 Angela:7 Heather:6 Nicole:8 Samantha:6 Kimberly:7 Deborah:5
Margaret:6 Julie:5 Anna:6 Maria:9 Hannah:4 Grace:4 Chloe:3 Priya:2 Mei:2 Ana:3 Sofia:3
Alexandra:3 Victoria:4 Lauren:5 Kelly:5 Erin:4
""")
RARE_FIRST = words("""
Thaddeus Ximena Leopold Cornelius Ingrid Saoirse Barnaby Philippa Anouk Evander
Marisol Odette Lucian Rosalind Tobias Beatrix Caspian Imogen Dashiell Wilhelmina
Ignatius Perpetua Osvaldo Thelonious Calliope Fenwick Marguerite Alistair Seraphina
Ambrose
""")

LAST = table("""
Smith:100 Johnson:80 Williams:70 Brown:65 Jones:62 Garcia:58 Miller:57 Davis:55
Rodriguez:50 Martinez:48 Hernandez:47 Lopez:44 Gonzalez:42 Wilson:40 Anderson:40
Thomas:39 Taylor:38 Moore:37 Jackson:36 Martin:35 Lee:35 Perez:32 Thompson:32 White:31
Harris:30 Sanchez:30 Clark:28 Ramirez:28 Lewis:27 Robinson:27 Walker:26 Young:25
Allen:25 King:25 Wright:25 Scott:24 Torres:24 Nguyen:24 Hill:23 Flores:23 Green:23
Adams:22 Nelson:22 Baker:22 Hall:21 Rivera:21 Campbell:20 Mitchell:20 Carter:20
Roberts:20 Gomez:19 Phillips:18 Evans:18 Turner:18 Diaz:18 Parker:17 Cruz:17
Edwards:17 Collins:17 Reyes:17 Stewart:16 Morris:16 Morales:16 Murphy:16 Cook:16
Rogers:15 Gutierrez:15 Ortiz:15 Morgan:15 Cooper:15 Peterson:15 Bailey:14 Reed:14
Kelly:14 Howard:14 Ramos:14 Kim:14 Cox:13 Ward:13 Richardson:13 Watson:13 Brooks:13
Chavez:13 Wood:13 James:13 Bennett:12 Gray:12 Mendoza:12 Ruiz:12 Hughes:12 Price:12
Alvarez:12 Castillo:12 Sanders:12 Patel:12 Myers:11 Long:11 Ross:11 Foster:11 Chen:11
Wang:10 Singh:10 Sullivan:10 O'Brien:6 McDonald:8 Schmidt:8 Muller:5 Kowalski:4
Van_Dyke:3 De_la_Cruz:2
""")
# Rare surnames are composed: Ash + ford = Ashford.
LAST_HEADS = words("""
Ash Black Brad Brook Cald Crom Dal Fair Glen Hart Hol Kings Lang Mar Nor Pen Rad Ship
Stan Thorn Wad Wes Whit Wood Alder Birch Cran Dun Hazel Mill
""")
LAST_TAILS = words("""
ley ton well worth ford by field wood ham son man stead more wick ridge
""")

# The two most common first and last names: the same-name, same-state hard negatives.
COMMON_NAMES = (
    ("Michael", "Smith", "M"),
    ("James", "Smith", "M"),
    ("David", "Johnson", "M"),
    ("Robert", "Williams", "M"),
    ("John", "Brown", "M"),
    ("Maria", "Garcia", "F"),
    ("Jennifer", "Jones", "F"),
    ("Mary", "Miller", "F"),
    ("William", "Davis", "M"),
    ("Elizabeth", "Johnson", "F"),
)

NICKNAMES = {
    "Michael": "Mike",
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Rick",
    "James": "Jim",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Christopher": "Chris",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Steven": "Steve",
    "Andrew": "Andy",
    "Joshua": "Josh",
    "Jennifer": "Jen",
    "Elizabeth": "Liz",
    "Patricia": "Pat",
    "Susan": "Sue",
    "Jessica": "Jess",
    "Rebecca": "Becky",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Deborah": "Deb",
    "Kimberly": "Kim",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Nicholas": "Nick",
    "Jonathan": "Jon",
    "Samuel": "Sam",
    "Timothy": "Tim",
    "Edward": "Ed",
    "Gregory": "Greg",
    "Kenneth": "Ken",
    "Ronald": "Ron",
    "Jeffrey": "Jeff",
    "Zachary": "Zach",
    "Stephanie": "Steph",
    "Samantha": "Sam",
    "Alexandra": "Alex",
}

# Singapore and Malaysian Chinese names, family name first on a card.
CN_SURNAMES = table("""
Tan:20 Lim:18 Lee:15 Ng:12 Ong:10 Wong:12 Goh:8 Chua:7 Chan:9 Koh:7 Teo:7 Ang:6 Yeo:5
Tay:5 Ho:6 Low:5 Toh:4 Sim:4 Chong:6 Chia:4 Leong:4 Foo:3 Lau:5 Cheng:4 Liew:3
""")
CN_GIVEN = words("""
Wei_Ming Jia_Hui Li_Ting Zhi_Hao Kai_Xiang Hui_Min Xin_Yi Jun_Jie Mei_Ling Siew_Ling
Boon_Keng Kok_Wai Wei_Jie Shu_Fen Yong_Sheng Pei_Shan Chee_Keong Ai_Lin Jia_Wei
Min_Hui
""")
CN_ENGLISH_NAMES = words("""
Jason Kelvin Alvin Melvin Vincent Eugene Jasmine Cheryl Michelle Grace Rachel Desmond
""")
# Malay names take "bin"/"binti" and the father's name; Indian ones a family name.
MY_MALE = words("""
Ahmad Muhammad_Faiz Mohd_Hafiz Zulkifli Azlan Amir Hakim Syafiq Firdaus Iskandar
""")
MY_FEMALE = words("""
Nur_Aisyah Siti_Rahmah Nurul_Huda Aminah Farah Aina Syazwani Hidayah Liyana Nabila
""")
MY_FATHERS = words("""
Ismail Hassan Abdullah Yusof Ibrahim Rahman Osman Ahmad Salleh Hamid Razak Aziz
""")
IN_MALE = words("""
Arjun Suresh Ravi Ganesh Anand Vijay Karthik Prakash Rajesh Sanjay
""")
IN_FEMALE = words("""
Priya Kavitha Deepa Lakshmi Meena Anitha Divya Revathi Shalini Sangeetha
""")
IN_FAMILY = words("""
Kumar Subramaniam Krishnan Ramasamy Nair Pillai Menon Raj Muthu Govindasamy Naidu
""")

US_STEM_HEADS = words("""
Summit Blue_Ridge Pacific Redwood Granite Iron Bright North Cascade Silver Golden
Eagle Pioneer Liberty Keystone Harbor Evergreen Atlas Apex Vertex Quantum Crescent
Horizon Sterling Beacon Cedar Lakeside Prairie Union Frontier Northwind Bluewater
""")
US_STEM_NOUNS = words("""
Analytics Logistics Software Health Capital Systems Labs Solutions Networks Partners
Media Foods Energy Manufacturing Consulting Technologies Industries Data Robotics
Security Financial Supply Brands Dynamics
""")
APAC_STEM_HEADS = words("""
Straits Merlion Orchid Harbourfront Marina Pacific_Rim Southern_Cross Coral_Sea Borneo
Tropic Equator Banyan Monsoon Jade Red_Dot Kookaburra Wattle Selat Emerald
""")

# Legal forms: key -> renderings; the first is the company's official one.
US_FORMS = {
    "inc": ("Inc.", "Inc", ", Inc.", "Incorporated"),
    "llc": ("LLC", "L.L.C.", ", LLC"),
    "corp": ("Corp.", "Corporation", "Corp"),
    "co": ("Co.", "Company", "Co"),
    "group": ("Group", "Grp"),
    "holdings": ("Holdings", "Hldgs"),
    "plc": ("PLC", "plc"),
}
US_FORM_WEIGHTS = (
    ("inc", 35),
    ("llc", 20),
    ("corp", 18),
    ("co", 8),
    ("group", 8),
    ("holdings", 5),
    ("plc", 6),
)
APAC_FORMS = {
    "SG": ("Pte. Ltd.", "Pte Ltd", "Private Limited", "PTE LTD"),
    "MY": ("Sdn. Bhd.", "Sdn Bhd", "SDN BHD"),
    "AU": ("Pty Ltd", "Pty. Ltd.", "Proprietary Limited"),
}

# Offices: state, state name, city, area code, ZIP prefix, weight. Few states carry
# most companies, so same-name people in one state are common.
US_LOCATIONS = table("""
CA:California:San_Francisco:415:941:12 CA:California:San_Jose:408:951:6
CA:California:Los_Angeles:213:900:6 CA:California:Palo_Alto:650:943:4
CA:California:San_Diego:619:921:3 NY:New_York:New_York:212:100:12
NY:New_York:Brooklyn:718:112:3 TX:Texas:Austin:512:787:6 TX:Texas:Dallas:214:752:4
TX:Texas:Houston:713:770:3 WA:Washington:Seattle:206:981:6
WA:Washington:Bellevue:425:980:2 MA:Massachusetts:Boston:617:021:5
IL:Illinois:Chicago:312:606:4 GA:Georgia:Atlanta:404:303:2
CO:Colorado:Denver:303:802:2 FL:Florida:Miami:305:331:2
NC:North_Carolina:Raleigh:919:276:1 OR:Oregon:Portland:503:972:1
AZ:Arizona:Phoenix:602:850:1 MN:Minnesota:Minneapolis:612:554:1
PA:Pennsylvania:Philadelphia:215:191:1
""")
# APAC offices: country, region, city, area code (blank in Singapore), postcode
# prefix, weight.
APAC_LOCATIONS = table("""
SG:Singapore:Singapore:-:0:10 MY:Kuala_Lumpur:Kuala_Lumpur:03:50:4
MY:Penang:George_Town:04:10:1 AU:NSW:Sydney:02:2:3 AU:VIC:Melbourne:03:3:2
AU:QLD:Brisbane:07:4:1
""")
COUNTRY_NAMES = {
    "JP": ("JP", "Japan", "日本", "JAPAN"),
    "US": ("US", "USA", "United States", "United States of America"),
    "SG": ("SG", "Singapore", "SINGAPORE"),
    "MY": ("MY", "Malaysia", "MALAYSIA"),
    "AU": ("AU", "Australia", "AUSTRALIA"),
}

# Titles: (title, department, weight).
US_TITLES = table("""
Marketing_Manager:Marketing:8 Senior_Marketing_Manager:Marketing:4
Director_of_Marketing:Marketing:4 VP_of_Marketing:Marketing:2 CMO:Marketing:1
Sales_Manager:Sales:6 Account_Executive:Sales:6 Sales_Director:Sales:3
VP_of_Sales:Sales:2 IT_Manager:IT:5 Director_of_IT:IT:3 CTO:Engineering:1 CIO:IT:1
Software_Engineer:Engineering:6 Senior_Software_Engineer:Engineering:4
Engineering_Manager:Engineering:3 Product_Manager:Product:4
Operations_Manager:Operations:4 Procurement_Manager:Procurement:2 CEO:Executive:1
COO:Executive:1 CFO:Finance:1 Founder:Executive:1 Analyst:Finance:3
Data_Analyst:Analytics:3 Consultant:Professional_Services:2
Customer_Success_Manager:Customer_Success:3 HR_Manager:Human_Resources:2
Office_Manager:Operations:2
""")
TITLE_VARIANTS = {
    "VP of Marketing": ("VP Marketing", "Vice President, Marketing", "V.P. Marketing"),
    "VP of Sales": ("VP Sales", "Vice President of Sales", "VP, Sales"),
    "Director of Marketing": ("Marketing Director", "Dir. of Marketing"),
    "Director of IT": ("IT Director", "Dir. IT"),
    "Senior Marketing Manager": ("Sr. Marketing Manager", "Sr Marketing Mgr"),
    "Senior Software Engineer": ("Sr. Software Engineer", "Senior SWE"),
    "CEO": ("Chief Executive Officer", "President & CEO"),
    "CTO": ("Chief Technology Officer",),
    "CFO": ("Chief Financial Officer",),
    "Marketing Manager": ("Marketing Mgr", "Mgr, Marketing"),
    "Sales Manager": ("Sales Mgr",),
    "Account Executive": ("AE", "Acct Executive"),
}

WEST_FREEMAIL = (
    ("gmail.com", 55),
    ("yahoo.com", 15),
    ("outlook.com", 12),
    ("icloud.com", 10),
    ("hotmail.com", 8),
)
