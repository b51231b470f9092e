"""Towns per state for synthetic addresses: district, town, the postcode range
the town's post offices use, a point, and a weight (roughly its workforce)."""

from typing import NamedTuple


class Town(NamedTuple):
    district: str
    town: str
    postcode_low: int
    postcode_high: int
    latitude: float
    longitude: float
    weight: int


TOWNS: dict[str, tuple[Town, ...]] = {
    "01": (
        Town("Johor Bahru", "Johor Bahru", 80000, 81300, 1.4927, 103.7414, 30),
        Town("Johor Bahru", "Skudai", 81300, 81310, 1.5359, 103.6572, 10),
        Town("Kulai", "Kulai", 81000, 81000, 1.6561, 103.6032, 6),
        Town("Batu Pahat", "Batu Pahat", 83000, 83710, 1.8548, 102.9325, 8),
        Town("Muar", "Muar", 84000, 84200, 2.0442, 102.5689, 7),
        Town("Kluang", "Kluang", 86000, 86200, 2.0251, 103.3328, 6),
        Town("Pasir Gudang", "Pasir Gudang", 81700, 81750, 1.4726, 103.8780, 8),
        Town("Segamat", "Segamat", 85000, 85300, 2.5148, 102.8158, 4),
    ),
    "02": (
        Town("Kota Setar", "Alor Setar", 5000, 5460, 6.1248, 100.3678, 10),
        Town("Kuala Muda", "Sungai Petani", 8000, 8100, 5.6470, 100.4877, 12),
        Town("Kulim", "Kulim", 9000, 9100, 5.3650, 100.5617, 8),
        Town("Kubang Pasu", "Jitra", 6000, 6050, 6.2680, 100.4219, 4),
        Town("Langkawi", "Kuah", 7000, 7000, 6.3250, 99.8430, 3),
    ),
    "03": (
        Town("Kota Bharu", "Kota Bharu", 15000, 16150, 6.1254, 102.2381, 12),
        Town("Pasir Mas", "Pasir Mas", 17000, 17070, 6.0493, 102.1399, 4),
        Town("Tanah Merah", "Tanah Merah", 17500, 17510, 5.8089, 102.1472, 3),
        Town("Machang", "Machang", 18500, 18500, 5.7644, 102.2203, 3),
        Town("Gua Musang", "Gua Musang", 18300, 18300, 4.8823, 101.9644, 2),
    ),
    "04": (
        Town("Melaka Tengah", "Melaka", 75000, 75460, 2.1896, 102.2501, 14),
        Town("Alor Gajah", "Alor Gajah", 78000, 78000, 2.3804, 102.2089, 5),
        Town("Jasin", "Jasin", 77000, 77300, 2.3096, 102.4310, 3),
    ),
    "05": (
        Town("Seremban", "Seremban", 70000, 70450, 2.7258, 101.9424, 12),
        Town("Seremban", "Nilai", 71800, 71800, 2.8167, 101.8000, 7),
        Town("Port Dickson", "Port Dickson", 71000, 71010, 2.5228, 101.7958, 4),
        Town("Rembau", "Rembau", 71300, 71300, 2.5869, 102.0925, 2),
        Town("Kuala Pilah", "Kuala Pilah", 72000, 72000, 2.7389, 102.2487, 2),
    ),
    "06": (
        Town("Kuantan", "Kuantan", 25000, 26100, 3.8077, 103.3260, 12),
        Town("Temerloh", "Temerloh", 28000, 28030, 3.4500, 102.4170, 5),
        Town("Bentong", "Bentong", 28700, 28730, 3.5225, 101.9083, 3),
        Town("Pekan", "Pekan", 26600, 26600, 3.4836, 103.3996, 2),
        Town("Cameron Highlands", "Tanah Rata", 39000, 39000, 4.4721, 101.3801, 2),
        Town("Jerantut", "Jerantut", 27000, 27000, 3.9360, 102.3626, 2),
    ),
    "07": (
        Town("Timur Laut", "George Town", 10000, 10470, 5.4141, 100.3288, 12),
        Town("Barat Daya", "Bayan Lepas", 11900, 11960, 5.2945, 100.2593, 12),
        Town("Seberang Perai Utara", "Butterworth", 12000, 13400, 5.3991, 100.3638, 8),
        Town("Seberang Perai Tengah", "Bukit Mertajam", 14000, 14020, 5.3631, 100.4667, 7),
        Town("Seberang Perai Selatan", "Nibong Tebal", 14300, 14310, 5.1659, 100.4778, 3),
    ),
    "08": (
        Town("Kinta", "Ipoh", 30000, 31650, 4.5975, 101.0901, 14),
        Town("Larut, Matang dan Selama", "Taiping", 34000, 34600, 4.8500, 100.7333, 6),
        Town("Manjung", "Lumut", 32200, 32200, 4.2325, 100.6296, 4),
        Town("Manjung", "Sitiawan", 32000, 32040, 4.2167, 100.7000, 4),
        Town("Hilir Perak", "Teluk Intan", 36000, 36030, 4.0259, 101.0213, 4),
        Town("Kuala Kangsar", "Kuala Kangsar", 33000, 33040, 4.7667, 100.9333, 3),
        Town("Batang Padang", "Tapah", 35000, 35000, 4.1977, 101.2613, 2),
    ),
    "09": (
        Town("Perlis", "Kangar", 1000, 1990, 6.4414, 100.1986, 4),
        Town("Perlis", "Arau", 2600, 2600, 6.4297, 100.2700, 2),
        Town("Perlis", "Padang Besar", 2100, 2100, 6.6626, 100.3217, 1),
    ),
    "10": (
        Town("Petaling", "Shah Alam", 40000, 40470, 3.0733, 101.5185, 20),
        Town("Petaling", "Petaling Jaya", 46000, 47400, 3.1073, 101.6067, 20),
        Town("Petaling", "Subang Jaya", 47500, 47650, 3.0565, 101.5851, 14),
        Town("Petaling", "Puchong", 47100, 47190, 3.0240, 101.6180, 10),
        Town("Klang", "Klang", 41000, 42200, 3.0449, 101.4456, 18),
        Town("Klang", "Port Klang", 42000, 42009, 3.0000, 101.4000, 6),
        Town("Gombak", "Selayang", 68100, 68100, 3.2530, 101.6505, 8),
        Town("Hulu Langat", "Kajang", 43000, 43009, 2.9927, 101.7909, 10),
        Town("Sepang", "Cyberjaya", 63000, 63300, 2.9213, 101.6559, 4),
        Town("Kuala Langat", "Banting", 42700, 42700, 2.8167, 101.5000, 4),
        Town("Hulu Selangor", "Rawang", 48000, 48050, 3.3213, 101.5767, 6),
        Town("Kuala Selangor", "Kuala Selangor", 45000, 45000, 3.3400, 101.2500, 3),
    ),
    "11": (
        Town("Kuala Terengganu", "Kuala Terengganu", 20000, 21300, 5.3302, 103.1408, 10),
        Town("Kemaman", "Chukai", 24000, 24007, 4.2333, 103.4167, 5),
        Town("Dungun", "Dungun", 23000, 23050, 4.7566, 103.4209, 3),
        Town("Besut", "Kampung Raja", 22200, 22200, 5.7500, 102.5667, 2),
        Town("Marang", "Marang", 21600, 21610, 5.2056, 103.2054, 2),
    ),
    "12": (
        Town("Kota Kinabalu", "Kota Kinabalu", 88000, 88999, 5.9804, 116.0735, 14),
        Town("Penampang", "Donggongon", 89500, 89507, 5.9264, 116.1090, 5),
        Town("Sandakan", "Sandakan", 90000, 90009, 5.8394, 118.1172, 7),
        Town("Tawau", "Tawau", 91000, 91035, 4.2447, 117.8912, 7),
        Town("Lahad Datu", "Lahad Datu", 91100, 91150, 5.0268, 118.3270, 4),
        Town("Keningau", "Keningau", 89000, 89009, 5.3378, 116.1602, 4),
        Town("Semporna", "Semporna", 91300, 91309, 4.4799, 118.6115, 2),
        Town("Kudat", "Kudat", 89050, 89059, 6.8837, 116.8477, 2),
        Town("Ranau", "Ranau", 89300, 89309, 5.9542, 116.6640, 2),
    ),
    "13": (
        Town("Kuching", "Kuching", 93000, 93990, 1.5535, 110.3593, 14),
        Town("Miri", "Miri", 98000, 98100, 4.3995, 113.9914, 8),
        Town("Sibu", "Sibu", 96000, 96009, 2.2870, 111.8305, 7),
        Town("Bintulu", "Bintulu", 97000, 97015, 3.1717, 113.0419, 6),
        Town("Samarahan", "Kota Samarahan", 94300, 94300, 1.4600, 110.4900, 3),
        Town("Mukah", "Mukah", 96400, 96400, 2.8988, 112.0914, 2),
        Town("Sri Aman", "Sri Aman", 95000, 95000, 1.2376, 111.4621, 2),
        Town("Kapit", "Kapit", 96800, 96800, 2.0167, 112.9333, 1),
    ),
    "14": (
        Town("Kuala Lumpur", "Kuala Lumpur", 50000, 51200, 3.1390, 101.6869, 14),
        Town("Kuala Lumpur", "Cheras", 56000, 56100, 3.0853, 101.7448, 6),
        Town("Kuala Lumpur", "Kepong", 52100, 52200, 3.2138, 101.6366, 5),
        Town("Kuala Lumpur", "Setapak", 53000, 53300, 3.1976, 101.7147, 4),
        Town("Kuala Lumpur", "Bangsar", 59000, 59200, 3.1300, 101.6700, 3),
        Town("Kuala Lumpur", "Sri Petaling", 57000, 57100, 3.0690, 101.6906, 3),
    ),
    "15": (Town("Labuan", "Victoria", 87000, 87033, 5.2831, 115.2308, 1),),
    "16": (Town("Putrajaya", "Putrajaya", 62000, 62988, 2.9264, 101.6964, 1),),
}

# Share of Malaysia's workforce per state (DOSM labour force survey, rounded):
# where the insured persons live.
STATE_WEIGHTS: dict[str, float] = {
    "01": 11.8,
    "02": 6.1,
    "03": 4.9,
    "04": 3.0,
    "05": 3.4,
    "06": 4.9,
    "07": 5.9,
    "08": 7.2,
    "09": 0.8,
    "10": 22.3,
    "11": 3.5,
    "12": 10.9,
    "13": 8.3,
    "14": 6.1,
    "15": 0.35,
    "16": 0.35,
}

STREETS = (
    "Jalan Mawar",
    "Jalan Melati",
    "Jalan Kenanga",
    "Jalan Cempaka",
    "Jalan Teratai",
    "Jalan Seroja",
    "Jalan Dahlia",
    "Jalan Angsana",
    "Jalan Meranti",
    "Jalan Cengal",
    "Jalan Merbau",
    "Jalan Pinang",
    "Jalan Kelapa",
    "Jalan Nangka",
    "Jalan Durian",
    "Jalan Bunga Raya",
    "Jalan Merdeka",
    "Jalan Bakti",
    "Jalan Perdana",
    "Jalan Harmoni",
    "Jalan Sentosa",
    "Jalan Bestari",
    "Jalan Intan",
    "Jalan Zamrud",
    "Jalan Delima",
    "Jalan Nilam",
    "Lorong Murni",
    "Lorong Setia",
    "Jalan Industri",
    "Jalan Perusahaan",
)
ESTATES = (
    "Taman Sri Indah",
    "Taman Bukit Indah",
    "Taman Desa Jaya",
    "Taman Sentosa",
    "Taman Mutiara",
    "Taman Setia",
    "Taman Permai",
    "Taman Bahagia",
    "Taman Sri Muda",
    "Taman Universiti",
    "Taman Perindustrian",
    "Kampung Baru",
    "Kampung Jawa",
    "Bandar Baru",
    "Taman Cahaya",
    "Taman Melawati",
    "Taman Seri Alam",
    "Flat Sri Kota",
    "Pangsapuri Seri Mas",
    "Taman Damai",
    "Kampung Parit Baru",
    "Taman Kemuning",
)
