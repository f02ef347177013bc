"""The demo logins: one per role, and the field coaches with the kecamatan each covers."""

from django.contrib.auth import get_user_model

from registry.roles import ADMIN, PENDAMPING, PIMPINAN, STAF
from registry.services import user_create_with_role

User = get_user_model()

# One login per role for trying the app out. Never use these on a real server.
DEMO_USERS = [
    ("admin", ADMIN, "Admin Data Dinkop", "demo-admin-blitar"),
    ("staf", STAF, "Siti Aminah", "demo-staf-blitar"),
    ("pendamping", PENDAMPING, "Bagus Prasetyo", "demo-pendamping-blitar"),
    ("pimpinan", PIMPINAN, "Kepala Dinas", "demo-pimpinan-blitar"),
]
PENDAMPING_PASSWORD = "demo-pendamping-blitar"  # the same for every demo coach; never on a real server
# Each field coach covers neighbouring kecamatan; together they cover all 22.
PENDAMPING_AREAS = [
    ("pendamping", "Bagus Prasetyo", ["Srengat", "Wonodadi", "Udanawu"]),
    ("pendamping2", "Dwi Wahyuningsih", ["Ponggok", "Sanankulon", "Nglegok"]),
    ("pendamping3", "Agus Setiyono", ["Garum", "Kanigoro", "Talun"]),
    ("pendamping4", "Sri Rahayu Ningsih", ["Gandusari", "Wlingi", "Doko"]),
    ("pendamping5", "Yudha Kurniawan", ["Selopuro", "Selorejo", "Kesamben"]),
    ("pendamping6", "Endah Puspitasari", ["Kademangan", "Sutojayan"]),
    ("pendamping7", "Sigit Hariyanto", ["Wonotirto", "Bakung", "Panggungrejo"]),
    ("pendamping8", "Nur Aini Fatmawati", ["Binangun", "Wates"]),
]


def pendamping_users() -> dict[str, User]:
    """The demo field coaches by username, created when missing."""
    usernames = [username for username, _, _ in PENDAMPING_AREAS]
    existing = {user.username: user for user in User.objects.filter(username__in=usernames)}
    for username, full_name, _ in PENDAMPING_AREAS:
        if username not in existing:
            existing[username] = user_create_with_role(
                username=username, password=PENDAMPING_PASSWORD, role=PENDAMPING, full_name=full_name
            )
    return existing


def demo_users_create() -> None:
    """The login of each role, created when missing."""
    for username, role, name, password in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            user_create_with_role(username=username, password=password, role=role, full_name=name)
