// Registration form: what the codice fiscale says (birth date, sex, birthplace) fills the fields as it is typed.
// A field the operator typed is never overwritten, only one filled from an earlier code; every field stays editable
// and the server checks the code against what is submitted. A static file: the CSP allows no inline script.
(function () {
  "use strict";
  var cf = document.getElementById("id_codice_fiscale");
  if (!cf || !cf.dataset.cfUrl) return;
  var esito = document.createElement("p");
  esito.id = "cf-esito";
  esito.className = "small mt-1 mb-0";
  esito.setAttribute("aria-live", "polite");
  cf.insertAdjacentElement("afterend", esito);
  var asked = "";

  function changed(el) {
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(id, value) {
    var el = document.getElementById(id);
    if (!el || !value) return;
    if (el.value && el.value !== el.dataset.fromCf) return; // typed by the operator: kept
    el.value = value;
    el.dataset.fromCf = value;
    changed(el);
  }

  function fillSex(value) {
    var radios = document.querySelectorAll('input[name="sesso"]');
    var checked = document.querySelector('input[name="sesso"]:checked');
    if (checked && !checked.dataset.fromCf) return;
    radios.forEach(function (r) {
      delete r.dataset.fromCf;
      if (r.value === value) {
        r.checked = true;
        r.dataset.fromCf = "1";
      }
    });
  }

  function show(data) {
    if (data.errore) {
      esito.textContent = data.errore;
      return;
    }
    fill("id_data_nascita", data.data_nascita);
    fill("id_luogo_nascita", data.luogo_nascita);
    fillSex(data.sesso);
    var nata = data.data_nascita.split("-").reverse().join("/");
    esito.textContent =
      "Dal codice fiscale: " + (data.sesso === "F" ? "nata" : "nato") + " il " + nata +
      (data.luogo_nome ? " a " + data.luogo_nome : "") + " (" + data.luogo_nascita + ").";
  }

  function ask() {
    var value = cf.value.replace(/\s+/g, "").toUpperCase();
    if (value.length !== 16) {
      esito.textContent = "";
      asked = "";
      return;
    }
    if (value === asked) return;
    asked = value;
    fetch(cf.dataset.cfUrl + "?codice_fiscale=" + encodeURIComponent(value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && asked === value) show(data); })
      .catch(function () { /* no suggestion: the operator types the fields */ });
  }

  cf.addEventListener("input", ask);
  ask();
})();
