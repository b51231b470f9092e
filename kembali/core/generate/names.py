"""Malaysian names across the country's communities, with each community's
naming convention: bin/binti (Malay, Bajau, Muslim Melanau), a/l and a/p
(Indian), family name first (Chinese), anak (Iban, Bidayuh), and Christian given
names with a family name (Kadazan-Dusun)."""

import random

MALAY_MALE = (
    "Muhammad",
    "Ahmad",
    "Mohd Faizal",
    "Mohd Hafiz",
    "Muhammad Amirul",
    "Muhammad Aiman",
    "Ahmad Firdaus",
    "Mohd Azlan",
    "Hafizuddin",
    "Khairul Anuar",
    "Mohd Rizal",
    "Azman",
    "Faizal",
    "Syafiq",
    "Nurul Hakim",
    "Hazwan",
    "Amirul Haziq",
    "Zulkifli",
    "Ismail",
    "Rosli",
    "Kamarudin",
    "Shahrul Nizam",
    "Fakhrul Razi",
    "Irfan",
    "Danial",
    "Hakimi",
    "Razak",
    "Roslan",
    "Zainal Abidin",
    "Iskandar",
    "Hairul",
    "Saiful Bahri",
    "Mohd Nazri",
    "Aidil",
    "Luqman Hakim",
    "Syahmi",
    "Aqil",
    "Norazman",
    "Badrul Hisham",
    "Azhar",
)
MALAY_FEMALE = (
    "Nur Aisyah",
    "Siti Nurhaliza",
    "Nurul Ain",
    "Nur Atiqah",
    "Siti Aminah",
    "Nor Azizah",
    "Fatimah",
    "Noraini",
    "Rohani",
    "Zuraidah",
    "Nurul Izzah",
    "Siti Khadijah",
    "Aminah",
    "Norhayati",
    "Faridah",
    "Rosmah",
    "Salmah",
    "Nur Syafiqah",
    "Nur Farhana",
    "Aishah",
    "Hidayah",
    "Amira",
    "Nur Ain Syahirah",
    "Azlina",
    "Rozita",
    "Haslinda",
    "Suhaila",
    "Mazlina",
    "Wan Nor Azimah",
    "Nik Nurul Huda",
)
MALAY_FATHERS = (
    "Abdullah",
    "Ahmad",
    "Ismail",
    "Hassan",
    "Hussin",
    "Ibrahim",
    "Yusof",
    "Omar",
    "Osman",
    "Ali",
    "Abu Bakar",
    "Mohamed",
    "Abdul Rahman",
    "Abdul Rahim",
    "Abdul Aziz",
    "Salleh",
    "Zakaria",
    "Mat Isa",
    "Sulaiman",
    "Kassim",
    "Harun",
    "Mahmud",
    "Jaafar",
    "Idris",
    "Mustafa",
    "Razali",
    "Musa",
    "Daud",
    "Yaacob",
    "Awang",
    "Mohd Noor",
    "Rashid",
)
CHINESE_SURNAMES = (
    "Tan",
    "Lim",
    "Lee",
    "Ng",
    "Wong",
    "Chan",
    "Ong",
    "Teh",
    "Goh",
    "Chong",
    "Yap",
    "Low",
    "Ho",
    "Chin",
    "Loh",
    "Cheah",
    "Khoo",
    "Ooi",
    "Foo",
    "Leong",
    "Liew",
    "Chua",
    "Koh",
    "Lau",
    "Teoh",
    "Yeoh",
    "Siew",
    "Kok",
    "Tiong",
    "Ting",
    "Wee",
    "Soh",
)
CHINESE_GIVEN_MALE = (
    "Wei",
    "Ming",
    "Jun",
    "Kah",
    "Chee",
    "Keong",
    "Seng",
    "Hock",
    "Boon",
    "Kok",
    "Wai",
    "Kien",
    "Yong",
    "Heng",
    "Meng",
    "Choon",
    "Liang",
    "Hao",
    "Zhi",
    "Jia",
    "Beng",
    "Soon",
)
CHINESE_GIVEN_FEMALE = (
    "Mei",
    "Ling",
    "Hui",
    "Siew",
    "Yee",
    "Li",
    "Xin",
    "Pei",
    "Shan",
    "Wen",
    "Ying",
    "Jia",
    "Kim",
    "Lay",
    "Fong",
    "Yen",
    "Qian",
    "Sook",
    "Chin",
    "Ee",
)
CHINESE_ENGLISH_MALE = ("Jason", "Kenny", "Alan", "Eric", "Vincent", "Raymond", "Daniel")
CHINESE_ENGLISH_FEMALE = ("Michelle", "Grace", "Joanne", "Vivian", "Karen", "Cindy", "Rachel")
INDIAN_MALE = (
    "Ganesan",
    "Muthu",
    "Ravi",
    "Suresh",
    "Kumar",
    "Saravanan",
    "Rajendran",
    "Murugan",
    "Selvam",
    "Kannan",
    "Arumugam",
    "Vijay",
    "Prakash",
    "Thinesh",
    "Kavin",
    "Devan",
    "Sivakumar",
    "Manikam",
    "Balakrishnan",
    "Nathan",
    "Gopal",
    "Ramesh",
    "Anand",
)
INDIAN_FEMALE = (
    "Kavitha",
    "Priya",
    "Devi",
    "Lakshmi",
    "Malar",
    "Vani",
    "Shanti",
    "Sumathi",
    "Revathi",
    "Thilaga",
    "Kalaivani",
    "Nirmala",
    "Saraswathy",
    "Anitha",
    "Meena",
    "Yamuna",
    "Deepa",
)
INDIAN_FATHERS = (
    "Subramaniam",
    "Krishnan",
    "Muniandy",
    "Ramasamy",
    "Velu",
    "Perumal",
    "Maniam",
    "Supramaniam",
    "Raman",
    "Nadarajah",
    "Sinnathamby",
    "Arumugam",
    "Govindasamy",
    "Karuppiah",
    "Letchumanan",
    "Rajoo",
    "Samy",
    "Thangavelu",
    "Palaniappan",
)
KADAZAN_MALE = (
    "Justin",
    "Rayner",
    "Joseph",
    "Peter",
    "Francis",
    "Jeffrey",
    "Dominic",
    "Ewon",
    "Benedict",
    "Wilfred",
    "Sylvester",
    "Ambrose",
    "Clarence",
    "Masidi",
    "Johnny",
)
KADAZAN_FEMALE = (
    "Maria",
    "Joanna",
    "Jennifer",
    "Rosalind",
    "Agnes",
    "Christina",
    "Veronica",
    "Sabrina",
    "Evelyn",
    "Juliana",
    "Felicia",
    "Melinda",
    "Anita",
)
KADAZAN_SURNAMES = (
    "Gimbad",
    "Sipaun",
    "Majinbon",
    "Gudunai",
    "Lojiki",
    "Mojuntin",
    "Malanjun",
    "Mojikon",
    "Kitingan",
    "Tangau",
    "Lojuni",
    "Gontusan",
    "Sodomon",
    "Ginibun",
    "Mositun",
    "Lasimbang",
    "Ongkili",
    "Sintoh",
    "Tuyuk",
    "Majimbun",
)
IBAN_MALE = (
    "Jimmy",
    "Nyalau",
    "Linggi",
    "Unggang",
    "Sandai",
    "Saging",
    "Empaling",
    "Bujang",
    "Jugah",
    "Richard",
    "Anthony",
    "Lawrence",
    "Gerawat",
    "Ngelambong",
    "Edwin",
    "Bilong",
)
IBAN_FEMALE = (
    "Mary",
    "Dayang",
    "Linda",
    "Siah",
    "Janet",
    "Rose",
    "Ijau",
    "Sumok",
    "Nancy",
    "Christina",
    "Lenny",
    "Endu",
    "Sani",
)
IBAN_FATHERS = (
    "Ngau",
    "Jugah",
    "Nyandang",
    "Liman",
    "Entri",
    "Buma",
    "Ngumbang",
    "Sanggau",
    "Empam",
    "Chundi",
    "Kanyan",
    "Uyu",
    "Ujang",
    "Nyaring",
    "Langgi",
    "Tinggom",
    "Lias",
)
BAJAU_MALE = (
    "Jamil",
    "Hajiji",
    "Arshad",
    "Juhari",
    "Mohd Shafie",
    "Salman",
    "Asmadi",
    "Jainal",
    "Sakaran",
    "Abdul Sani",
    "Masrin",
    "Bakri",
    "Hamsah",
    "Rahimi",
)
BAJAU_FEMALE = (
    "Normala",
    "Jainab",
    "Siti Aisah",
    "Dayang Hamidah",
    "Nurhaini",
    "Sitti Saleha",
    "Raimah",
    "Hajah Sabariah",
    "Masnah",
    "Julinah",
)
BAJAU_FATHERS = (
    "Salleh",
    "Dandai",
    "Noor",
    "Sakaran",
    "Apong",
    "Ladja",
    "Pandikar",
    "Jumaat",
    "Bakar",
    "Hashim",
    "Sapdin",
    "Mapatang",
    "Lajim",
    "Kaidup",
)
MELANAU_MALE = (
    "Abang Johari",
    "Awang Tengah",
    "Abang Iskandar",
    "Morshidi",
    "Fadillah",
    "Idris",
    "Awang Bemee",
    "Len Talif",
    "Abang Zamri",
    "Rosey",
)
MELANAU_FEMALE = (
    "Dayang Nur",
    "Dayang Fatimah",
    "Rosnah",
    "Salbiah",
    "Dayang Zaiton",
    "Noraniza",
    "Dayang Mariam",
    "Siti Zubaidah",
)
MELANAU_FATHERS = (
    "Abang Openg",
    "Awang Ali",
    "Sulaiman",
    "Yusuf",
    "Abang Haji Bolhassan",
    "Talif",
    "Ahmad",
    "Haji Mohd Tahir",
    "Bujang",
    "Jubli",
)

# Community shares per state (DOSM census 2020, rounded and simplified).
COMMUNITIES: dict[str, tuple[tuple[str, float], ...]] = {
    "peninsula": (("malay", 62), ("chinese", 26), ("indian", 9), ("other_peninsula", 3)),
    "03": (("malay", 95), ("chinese", 3), ("indian", 1), ("other_peninsula", 1)),
    "11": (("malay", 96), ("chinese", 3), ("indian", 1)),
    "09": (("malay", 88), ("chinese", 8), ("indian", 2), ("other_peninsula", 2)),
    "07": (("malay", 44), ("chinese", 42), ("indian", 10), ("other_peninsula", 4)),
    "14": (("malay", 47), ("chinese", 41), ("indian", 10), ("other_peninsula", 2)),
    "12": (
        ("kadazan", 30),
        ("bajau", 22),
        ("malay", 12),
        ("chinese", 14),
        ("murut", 5),
        ("other_sabah", 17),
    ),
    "15": (("malay", 40), ("kadazan", 15), ("bajau", 10), ("chinese", 15), ("other_sabah", 20)),
    "13": (
        ("iban", 30),
        ("chinese", 24),
        ("malay", 24),
        ("bidayuh", 8),
        ("melanau", 6),
        ("other_sarawak", 8),
    ),
}


def community_for(state_code: str, rng: random.Random) -> str:
    shares = COMMUNITIES.get(state_code, COMMUNITIES["peninsula"])
    community = rng.choices([c for c, _ in shares], weights=[w for _, w in shares])[0]
    # Smaller communities borrow the closest naming convention.
    return {
        "other_peninsula": "malay",
        "murut": "kadazan",
        "other_sabah": "bajau",
        "bidayuh": "iban",
        "other_sarawak": "melanau",
    }.get(community, community)


def full_name(community: str, female: bool, rng: random.Random) -> str:
    pick = rng.choice
    if community == "malay":
        given = pick(MALAY_FEMALE if female else MALAY_MALE)
        return f"{given} {'binti' if female else 'bin'} {pick(MALAY_FATHERS)}"
    if community == "bajau":
        given = pick(BAJAU_FEMALE if female else BAJAU_MALE)
        return f"{given} {'binti' if female else 'bin'} {pick(BAJAU_FATHERS)}"
    if community == "melanau":
        if rng.random() < 0.25:  # Christian Melanau use anak, as the Iban do
            given = pick(IBAN_FEMALE if female else IBAN_MALE)
            return f"{given} anak {pick(MELANAU_FATHERS[-4:])}"
        given = pick(MELANAU_FEMALE if female else MELANAU_MALE)
        return f"{given} {'binti' if female else 'bin'} {pick(MELANAU_FATHERS)}"
    if community == "chinese":
        pool = CHINESE_GIVEN_FEMALE if female else CHINESE_GIVEN_MALE
        name = f"{pick(CHINESE_SURNAMES)} {pick(pool)} {pick(pool)}"
        if rng.random() < 0.15:
            english = CHINESE_ENGLISH_FEMALE if female else CHINESE_ENGLISH_MALE
            name = f"{pick(english)} {name}"
        return name
    if community == "indian":
        given = pick(INDIAN_FEMALE if female else INDIAN_MALE)
        return f"{given} {'a/p' if female else 'a/l'} {pick(INDIAN_FATHERS)}"
    if community == "kadazan":
        given = pick(KADAZAN_FEMALE if female else KADAZAN_MALE)
        return f"{given} {pick(KADAZAN_SURNAMES)}"
    if community == "iban":
        given = pick(IBAN_FEMALE if female else IBAN_MALE)
        return f"{given} anak {pick(IBAN_FATHERS)}"
    raise ValueError(f"unknown community {community!r}")


def split_name(name: str) -> tuple[str, str]:
    """First and last name for a staff user account."""
    for sep in (" binti ", " bin ", " a/p ", " a/l ", " anak "):
        if sep in name:
            given, father = name.split(sep, 1)
            return given, f"{sep.strip()} {father}"
    first, _, rest = name.partition(" ")
    return first, rest
