"""The upgrade indicators of DESIGN.md §3, in the order they are shown."""

INDICATORS = {
    "has_nib": "punya NIB",
    "has_pirt": "punya PIRT",
    "has_halal": "bersertifikat halal",
    "has_bpom": "punya izin BPOM",
    "has_brand": "merek terdaftar (HKI)",
    "sells_online": "berjualan daring",
    "has_financing": "punya pembiayaan bank/KUR",
    "new_market": "pasar baru di luar Kabupaten Blitar",
    "product_upgraded": "produk/kemasan ditingkatkan",
    "keeps_books": "pembukuan tertib",
}

# How a new indicator reads in the list of criteria a candidate met.
GAINED = {
    "has_nib": "NIB baru",
    "has_pirt": "PIRT baru",
    "has_halal": "sertifikat halal baru",
    "has_bpom": "izin BPOM baru",
    "has_brand": "merek terdaftar (HKI) baru",
    "sells_online": "mulai berjualan daring",
    "has_financing": "mendapat pembiayaan bank/KUR",
    "new_market": "menembus pasar di luar Kabupaten Blitar",
    "product_upgraded": "produk/kemasan ditingkatkan",
    "keeps_books": "mulai pembukuan tertib",
}
