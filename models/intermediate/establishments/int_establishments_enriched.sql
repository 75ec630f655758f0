-- Each establishment with where it is (commune → agency → region), its activity and its size.
with

establishments as (
    select * from {{ ref('stg_sirene__establishments') }}
),

legal_units as (
    select * from {{ ref('stg_sirene__legal_units') }}
),

communes as (
    select * from {{ ref('stg_pole_emploi__communes') }}
),

agencies as (
    select * from {{ ref('stg_pole_emploi__agencies') }}
),

bands as (
    select * from {{ ref('headcount_bands') }}
),

divisions as (
    select * from {{ ref('naf_divisions') }}
),

enriched as (
    select
        establishments.siret,
        establishments.siren,
        establishments.code_commune,
        communes.code_departement,
        communes.code_agence,
        agencies.code_region,
        agencies.type_territoire,
        agencies.code_agglomeration,
        establishments.naf_code,
        establishments.naf_division,
        divisions.naf_section,
        establishments.tranche_effectifs,
        legal_units.tranche_effectifs_ul,
        bands.headcount_midpoint as headcount_estimate,
        bands.headcount_midpoint is not null as has_known_band,
        bands.is_small as is_small_band,
        legal_unit_bands.is_small as is_legal_unit_small_band,
        legal_unit_bands.is_large_recruiter_band as is_legal_unit_large_band,
        establishments.created_date,
        establishments.closed_date
    from establishments
    inner join legal_units on establishments.siren = legal_units.siren
    inner join communes on establishments.code_commune = communes.code_commune
    inner join agencies on communes.code_agence = agencies.code_agence
    inner join bands on establishments.tranche_effectifs = bands.tranche_effectifs
    inner join bands as legal_unit_bands
        on legal_units.tranche_effectifs_ul = legal_unit_bands.tranche_effectifs
    inner join divisions on establishments.naf_division = divisions.naf_division
)

select * from enriched
