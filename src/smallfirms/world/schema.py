"""The columns of each raw table as the generator writes them: name (from the contract), kind
and formatting.

One entry per table; :mod:`smallfirms.world.writer` turns any entry and its arrays into a file, so
no table has a hand-written block of its own. Kinds: ``id`` (prefix + zero-padded row number, or
the numbers given), ``digits`` (an integer written zero-padded), ``code`` (an index into a list of
codes), ``text``, ``date`` (days since 1970-01-01), ``timestamp`` (seconds since 1970-01-01),
``int``, ``float``, ``bool``."""

from __future__ import annotations

from dataclasses import dataclass

from smallfirms import contract


@dataclass(frozen=True)
class Col:
    name: str
    kind: str
    width: int = 0
    prefix: str = ""


def _id(name: str, prefix: str, width: int) -> Col:
    return Col(name, "id", width, prefix)


# How the generator encodes each raw column that is not plain text; the names, their order and the
# tables come from the contract (smallfirms.contract), the one place they are written.
ENCODINGS: dict[str, dict[str, Col]] = {
    "legal_units": {
        "siren": Col("siren", "digits", 9),
        "tranche_effectifs_ul": Col("tranche_effectifs_ul", "code"),
        "categorie_entreprise": Col("categorie_entreprise", "code"),
        "date_creation": Col("date_creation", "date"),
    },
    "establishments": {
        "siret": Col("siret", "digits", 14),
        "siren": Col("siren", "digits", 9),
        "tranche_effectifs": Col("tranche_effectifs", "code"),
        "code_commune": Col("code_commune", "code"),
        "date_creation": Col("date_creation", "date"),
        "date_fermeture": Col("date_fermeture", "date"),
    },
    "hire_declarations": {
        "declaration_id": _id("declaration_id", "D", 10),
        "siret": Col("siret", "digits", 14),
        "date_embauche": Col("date_embauche", "date"),
        "nature_contrat": Col("nature_contrat", "code"),
        "date_fin_contrat": Col("date_fin_contrat", "date"),
        "date_declaration": Col("date_declaration", "timestamp"),
    },
    "jobseeker_spells": {
        "spell_id": _id("spell_id", "S", 9),
        "date_inscription": Col("date_inscription", "date"),
        "date_fin": Col("date_fin", "date"),
        "categorie": Col("categorie", "code"),
        "annee_naissance": Col("annee_naissance", "int"),
        "niveau_formation": Col("niveau_formation", "code"),
        "is_rsa": Col("is_rsa", "bool"),
        "is_boeth": Col("is_boeth", "bool"),
        "is_qpv": Col("is_qpv", "bool"),
    },
    "job_offers": {
        "offer_id": _id("offer_id", "O", 9),
        "siret": Col("siret", "digits", 14),
        "code_agence": Col("code_agence", "code"),
        "nature_contrat": Col("nature_contrat", "code"),
        "nb_postes": Col("nb_postes", "int"),
        "date_publication": Col("date_publication", "date"),
        "date_cloture": Col("date_cloture", "date"),
        "motif_cloture": Col("motif_cloture", "code"),
    },
    "counsellor_actions": {
        "action_id": _id("action_id", "A", 9),
        "siret": Col("siret", "digits", 14),
        "code_agence": Col("code_agence", "code"),
        "date_action": Col("date_action", "date"),
        "type_action": Col("type_action", "code"),
    },
    "satisfaction_answers": {
        "answer_id": _id("answer_id", "R", 9),
        "siret": Col("siret", "digits", 14),
        "date_reponse": Col("date_reponse", "date"),
        "reponse": Col("reponse", "code"),
    },
    "large_recruiter_enrolments": {
        "siren": Col("siren", "digits", 9),
        "code_region": Col("code_region", "digits", 2),
        "date_inscription": Col("date_inscription", "date"),
    },
}
# The reference tables first: the order the files are written and logged in.
TABLE_ORDER = (
    "agencies",
    "communes",
    "legal_units",
    "establishments",
    "hire_declarations",
    "jobseeker_spells",
    "job_offers",
    "counsellor_actions",
    "satisfaction_answers",
    "large_recruiter_enrolments",
)


def _schema() -> dict[str, tuple[Col, ...]]:
    tables = contract.tables()
    if set(tables) != set(TABLE_ORDER):
        raise contract.ContractError(
            f"the generator writes {TABLE_ORDER}, the contract has {tuple(tables)}"
        )
    return {
        name: tuple(
            ENCODINGS.get(name, {}).get(column, Col(column, "text"))
            for column in tables[name].column_names
        )
        for name in TABLE_ORDER
    }


SCHEMA: dict[str, tuple[Col, ...]] = _schema()
TABLES = tuple(SCHEMA)

# The generator's records (always CSV, under _truth/).
TRUTH_SCHEMA: dict[str, tuple[Col, ...]] = {
    "small_firm_extra_hires": (
        Col("siret", "digits", 14),
        Col("state_at_baseline", "code"),
        Col("expected_extra_hires", "float"),
        Col("extra_hires", "int"),
    ),
    "large_recruiter_extra_hires": (
        Col("siren", "digits", 9),
        Col("expected_extra_hires", "float"),
        Col("extra_hires", "int"),
    ),
    "satisfaction_uplift": (Col("siret", "digits", 14), _id("answer_id", "R", 9)),
    "latent_expected_hires": (
        Col("siret", "digits", 14),
        Col("state_at_baseline", "code"),
        Col("expected_hires", "float"),
    ),
}
