"""The columns of each raw table as the generator writes them: name, kind and formatting.

One entry per table; :mod:`smallfirms.world.writer` turns any entry and its arrays into a file, so
no table has a hand-written block of its own. Kinds: ``id`` (prefix + zero-padded row number, or
the numbers given), ``digits`` (an integer written zero-padded), ``code`` (an index into a list of
codes), ``text``, ``date`` (days since 1970-01-01), ``timestamp`` (seconds since 1970-01-01),
``int``, ``float``, ``bool``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    name: str
    kind: str
    width: int = 0
    prefix: str = ""


def _id(name: str, prefix: str, width: int) -> Col:
    return Col(name, "id", width, prefix)


SCHEMA: dict[str, tuple[Col, ...]] = {
    "agencies": (
        Col("code_agence", "text"),
        Col("nom_agence", "text"),
        Col("code_departement", "text"),
        Col("code_region", "text"),
        Col("type_territoire", "text"),
        Col("code_agglomeration", "text"),
    ),
    "communes": (
        Col("code_commune", "text"),
        Col("nom_commune", "text"),
        Col("code_departement", "text"),
        Col("code_agence", "text"),
    ),
    "legal_units": (
        Col("siren", "digits", 9),
        Col("denomination", "text"),
        Col("tranche_effectifs_ul", "code"),
        Col("categorie_entreprise", "code"),
        Col("date_creation", "date"),
    ),
    "establishments": (
        Col("siret", "digits", 14),
        Col("siren", "digits", 9),
        Col("code_naf", "text"),
        Col("tranche_effectifs", "code"),
        Col("code_commune", "code"),
        Col("date_creation", "date"),
        Col("date_fermeture", "date"),
    ),
    "hire_declarations": (
        _id("declaration_id", "D", 10),
        Col("siret", "digits", 14),
        Col("nir", "text"),
        Col("date_embauche", "date"),
        Col("nature_contrat", "code"),
        Col("date_fin_contrat", "date"),
        Col("date_declaration", "timestamp"),
    ),
    "jobseeker_spells": (
        _id("spell_id", "S", 9),
        Col("nir", "text"),
        Col("date_inscription", "date"),
        Col("date_fin", "date"),
        Col("categorie", "code"),
        Col("annee_naissance", "int"),
        Col("niveau_formation", "code"),
        Col("is_rsa", "bool"),
        Col("is_boeth", "bool"),
        Col("is_qpv", "bool"),
    ),
    "job_offers": (
        _id("offer_id", "O", 9),
        Col("siret", "digits", 14),
        Col("code_agence", "code"),
        Col("code_rome", "text"),
        Col("nature_contrat", "code"),
        Col("nb_postes", "int"),
        Col("date_publication", "date"),
        Col("date_cloture", "date"),
        Col("motif_cloture", "code"),
    ),
    "counsellor_actions": (
        _id("action_id", "A", 9),
        Col("siret", "digits", 14),
        Col("code_agence", "code"),
        Col("conseiller_id", "text"),
        Col("date_action", "date"),
        Col("type_action", "code"),
    ),
    "satisfaction_answers": (
        _id("answer_id", "R", 9),
        Col("siret", "digits", 14),
        Col("date_reponse", "date"),
        Col("reponse", "code"),
    ),
    "large_recruiter_enrolments": (
        Col("siren", "digits", 9),
        Col("code_region", "digits", 2),
        Col("date_inscription", "date"),
    ),
}
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
