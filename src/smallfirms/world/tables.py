"""From the world's arrays to each raw table's fields (what :func:`writer.write_table` takes)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from smallfirms.world.firms import NEVER
from smallfirms.world.names import DENOMINATION_NAMES, DENOMINATION_WORDS
from smallfirms.world.writer import Field

NATURES = ["CDI", "CDD", "CTT"]


def _frame(df: pd.DataFrame) -> dict[str, Field]:
    return {c: Field(pa.array(df[c], type=pa.string())) for c in df.columns}


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _joined(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def legal_units(w) -> dict[str, Field]:
    f, seeds = w.firms, w.seeds
    i = np.arange(len(f.siren))
    words = pa.array(DENOMINATION_WORDS).take(pa.array(i * 7 % len(DENOMINATION_WORDS)))
    names = pa.array(DENOMINATION_NAMES).take(pa.array(i // 3 % len(DENOMINATION_NAMES)))
    denomination = _joined(words, pa.array([" "] * len(i)), names).to_numpy(zero_copy_only=False)
    denomination[-1] = "LA POSTE"
    b = seeds.band_index()
    band = w.activity.ul_band
    cat = np.where(band <= b["31"], 0, np.where(band <= b["51"], 1, 2))  # PME, ETI, GE
    return {
        "siren": Field(f.siren),
        "denomination": Field(denomination.tolist()),
        "tranche_effectifs_ul": Field(band, codes=seeds.bands),
        "categorie_entreprise": Field(cat, f.cat_null | (band == b["NN"]), ["PME", "ETI", "GE"]),
        "date_creation": Field(f.ul_created),
    }


def establishments(w) -> dict[str, Field]:
    f, seeds = w.firms, w.seeds
    division = pa.array(seeds.divisions).take(pa.array(f.div))
    dot = pa.array(np.where(f.naf_nodot, "", "."))
    letter = pa.array(["A", "B", "C", "Z"]).take(pa.array(f.naf_letter))
    return {
        "siret": Field(f.siret),
        "siren": Field(f.siret // 100_000),
        "code_naf": Field(_joined(division, dot, _padded(f.naf_sub, 2), letter)),
        "tranche_effectifs": Field(w.activity.band, codes=seeds.bands),
        "code_commune": Field(f.commune, codes=list(w.communes["code_commune"])),
        "date_creation": Field(f.created),
        "date_fermeture": Field(np.where(f.closure == NEVER, 0, f.closure), f.closure == NEVER),
    }


def hire_declarations(w) -> dict[str, Field]:
    d = w.declarations
    return {
        "siret": Field(w.firms.siret[d.est]),
        "nir": Field(w.nir.take(pa.array(d.person))),
        "date_embauche": Field(d.hire),
        "nature_contrat": Field(d.nature, codes=NATURES),
        "date_fin_contrat": Field(d.hire + d.duration - 1, d.nature == 0),
        "date_declaration": Field(d.declared),
    }


def jobseeker_spells(w) -> dict[str, Field]:
    s = w.spells
    return {
        "nir": Field(w.nir.take(pa.array(s.person))),
        "date_inscription": Field(s.ins),
        "date_fin": Field(s.end, s.open),
        "categorie": Field(s.cat, codes=["A", "B", "C", "D", "E"]),
        "annee_naissance": Field(s.birth),
        "niveau_formation": Field(s.level, codes=w.seeds.code_sets["niveau_formation"]),
        "is_rsa": Field(s.rsa),
        "is_boeth": Field(s.boeth),
        "is_qpv": Field(s.qpv),
    }


def job_offers(w) -> dict[str, Field]:
    o, f = w.offers, w.firms
    rome = _joined(
        pa.array([chr(65 + i) for i in range(14)]).take(pa.array(o.rome_letter)),
        _padded(o.rome_num, 4),
    )
    return {
        "siret": Field(f.siret[o.est]),
        "code_agence": Field(f.agency[o.est], codes=list(w.agencies["code_agence"])),
        "code_rome": Field(rome),
        "nature_contrat": Field(o.nature, codes=NATURES),
        "nb_postes": Field(o.postes),
        "date_publication": Field(o.pub),
        "date_cloture": Field(o.close, o.open),
        "motif_cloture": Field(o.motif, o.open, w.seeds.code_sets["motif_cloture"]),
    }


def counsellor_actions(w) -> dict[str, Field]:
    a, f = w.actions, w.firms
    agency = pa.array(list(w.agencies["code_agence"])).take(pa.array(f.agency[a.est]))
    counsellor = _joined(pa.array(["C"] * len(a.est)), agency, _padded(a.conseiller, 2))
    return {
        "siret": Field(f.siret[a.est]),
        "code_agence": Field(f.agency[a.est], codes=list(w.agencies["code_agence"])),
        "conseiller_id": Field(counsellor),
        "date_action": Field(a.date),
        "type_action": Field(a.type, codes=w.seeds.action_types),
    }


def satisfaction_answers(w) -> dict[str, Field]:
    r = w.answers
    return {
        "siret": Field(w.firms.siret[r.est]),
        "date_reponse": Field(r.date),
        "reponse": Field(r.level, codes=w.seeds.satisfaction),
    }


def large_recruiter_enrolments(w) -> dict[str, Field]:
    e = w.enrolments
    return {
        "siren": Field(e.siren),
        "code_region": Field(e.region),
        "date_inscription": Field(e.date),
    }


def fields(w, name: str) -> dict[str, Field]:
    """The fields of raw table ``name``."""
    if name in ("agencies", "communes"):
        return _frame(getattr(w, name))
    return globals()[name](w)
