"""Load mix against the production topology (driven by bench/load_test.py, which prepares var/bench/load-users.json).

Operators (weight 6) search people, open cases and their diary, add diary notes; citizens (3) read the portal, look
for free slots and book; regional analysts (1) query the dashboards. Operators log in with password + TOTP (one
TOTP device each, made by load_test.py), like production asks; nothing is skipped for the benchmark except the
booking rate limit per address (every simulated citizen comes from 127.0.0.1).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path

import urllib3
from locust import HttpUser, between, task

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # the topology's own self-signed certificate

SETUP = json.loads((Path(__file__).resolve().parents[2] / "var" / "bench" / "load-users.json").read_text())
_accounts = itertools.cycle(SETUP["operators"])
_analysts = itertools.cycle(SETUP["analysts"])
_lock = threading.Lock()
SURNAME_PREFIXES = ["ROS", "BIA", "RUS", "FER", "ESP", "COL", "RIC", "MAR", "GRE", "BRU", "DE ", "LO"]


def _totp(key_hex: str, step: int = 30, digits: int = 6) -> str:
    import hashlib
    import hmac
    import struct

    counter = int(time.time() // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def submission_token(page: str) -> dict:
    """The one-time token of the create form on `page` (cse/core/submission.py), as the browser would send it."""
    match = re.search(r'name="submission_token" value="([^"]+)"', page)
    return {"submission_token": match.group(1)} if match else {}


class _Browser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.verify = False
        self.client.headers["Referer"] = f"{self.host}/"

    def post_form(self, path: str, data: dict, name: str | None = None, ok: tuple[int, ...] = (302,)):
        """POST with the CSRF token; any status outside `ok` counts as an error of the run."""
        if "csrftoken" not in self.client.cookies:
            self.client.get(path, name=name)
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        with self.client.post(path, data=data, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code in ok:
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")
        return answer

    def login_operator(self, account: dict) -> None:
        self.post_form("/operatore/accesso/", {"username": account["username"], "password": SETUP["password"]})
        answer = self.post_form("/operatore/accesso/secondo-fattore/", {"token": _totp(account["key"])}, ok=(200, 302))
        if answer.status_code != 302:  # same 30-s step as the previous login on this device: wait for the next one
            time.sleep(30 - time.time() % 30 + 0.5)
            self.post_form("/operatore/accesso/secondo-fattore/", {"token": _totp(account["key"])})


class Operatore(_Browser):
    weight = 6

    def on_start(self) -> None:
        super().on_start()
        with _lock:
            self.account = next(_accounts)
        self.login_operator(self.account)
        self.cartelle: list[int] = []

    @task(4)
    def search(self) -> None:
        prefix = random.choice(SURNAME_PREFIXES)
        page = self.client.get(f"/locale/assistiti/?q={prefix}", name="/locale/assistiti/?q=[cognome]")
        self.people = [int(pk) for pk in re.findall(r'href="/locale/assistiti/(\d+)/"', page.text)]

    @task(3)
    def open_person_and_case(self) -> None:
        if not getattr(self, "people", None):
            return self.search()
        page = self.client.get(f"/locale/assistiti/{random.choice(self.people)}/", name="/locale/assistiti/[id]/")
        found = [int(pk) for pk in re.findall(r'href="/locale/cartelle/(\d+)/"', page.text)]
        if found:
            self.cartelle = (found + self.cartelle)[:20]
            self.client.get(f"/locale/cartelle/{found[0]}/", name="/locale/cartelle/[id]/")

    @task(2)
    def worklists(self) -> None:
        self.client.get("/locale/lavoro/", name="/locale/lavoro/")

    @task(1)
    def diary_note(self) -> None:
        if not self.cartelle:
            return
        pk = random.choice(self.cartelle)
        page = self.client.get(f"/locale/cartelle/{pk}/diario/", name="/locale/cartelle/[id]/diario/")
        self.post_form(
            f"/locale/cartelle/{pk}/diario/",
            {
                "tipo": "colloquio",
                "data_evento": time.strftime("%Y-%m-%d"),
                "testo": "Colloquio di verifica.",
                **submission_token(page.text),
            },
            name="POST /locale/cartelle/[id]/diario/",
        )


class Cittadino(_Browser):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.sportello = random.choice(SETUP["sportelli"])

    @task(3)
    def portal(self) -> None:
        self.client.get("/", name="/")

    @task(3)
    def free_slots(self) -> None:
        s = self.sportello
        page = self.client.get(
            f"/cittadino/prenota/?comune={s['comune']}&sportello={s['id']}", name="/cittadino/prenota/ (slot)"
        )
        self.slots = re.findall(r'name="slot"[^>]*\svalue="(\d+)"', page.text)

    @task(1)
    def book(self) -> None:
        if not getattr(self, "slots", None):
            return self.free_slots()
        s = self.sportello
        slot = random.choice(self.slots)
        query = f"?comune={s['comune']}&sportello={s['id']}&slot={slot}"
        self.client.cookies.clear()  # a new visitor each time
        page = self.client.get(f"/cittadino/prenota/{query}", name="/cittadino/prenota/ (dati)")
        # 409: somebody else took the slot in the meantime — the product's answer to a race, not an error
        self.post_form(
            f"/cittadino/prenota/{query}",
            {
                "slot": slot,
                "argomento": "informazioni",
                "motivo": "Informazioni",
                "nome": "Carico",
                "cognome": "Prova",
                "email": "carico@example.invalid",
                **submission_token(page.text),
            },
            name="POST /cittadino/prenota/",
            ok=(302, 409),
        )
        self.slots = [x for x in self.slots if x != slot]


class Analista(_Browser):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        with _lock:
            self.account = next(_analysts)
        self.login_operator(self.account)

    @task(2)
    def dashboard(self) -> None:
        anno = random.choice([2025, 2026])
        righe = random.choice(["ente", "ambito", "area"])
        self.client.get(f"/regionale/?anno={anno}&righe={righe}", name="/regionale/?anno&righe")

    @task(1)
    def sioss(self) -> None:
        self.client.get("/regionale/sioss/", name="/regionale/sioss/")


if os.environ.get("CSE_LOAD_HOST"):
    for user in (Operatore, Cittadino, Analista):
        user.host = os.environ["CSE_LOAD_HOST"]
