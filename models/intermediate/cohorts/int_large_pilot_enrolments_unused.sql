-- Every firm enrolled by a regional service that the large-recruiter evaluation does not use, and why;
-- quarantined enrolment rows are read from the base model, the only place they are kept.
with

enrolments as (
    select * from {{ ref('stg_pole_emploi__large_recruiter_enrolments') }}
),

quarantined as (
    select * from {{ ref('base_pole_emploi__large_recruiter_enrolments') }}
    where rejection_rule is not null
),

legal_units as (
    select * from {{ ref('stg_sirene__legal_units') }}
),

bands as (
    select * from {{ ref('headcount_bands') }}
),

ranked as (
    select * from {{ ref('int_legal_unit_top_recruiters') }}
),

staged_issues as (
    select
        enrolments.siren,
        enrolments.code_region,
        enrolments.enrolment_date,
        case
            when legal_units.siren is null then 'unknown_siren'
            when not bands.is_large_recruiter_band then 'not_a_large_firm'
            when ranked.siren is null then 'no_offer_filled_through_the_service'
            else 'not_a_top_recruiter'
        end as issue,
        case
            when legal_units.siren is null then 'SIREN absent from the legal units'
            when not bands.is_large_recruiter_band
                then 'headcount band ' || legal_units.tranche_effectifs_ul || ', under 50 employees'
            when ranked.siren is null
                then 'no offer filled through the service in the look-back window'
            else
                'rank ' || cast(ranked.recruiter_rank as {{ dbt.type_string() }})
                || ' by offers filled, beyond the top ' || cast({{ var('top_recruiters_n') }} as {{ dbt.type_string() }})
        end as detail,
        enrolments.raw_line
    from enrolments
    left join legal_units on enrolments.siren = legal_units.siren
    left join bands on legal_units.tranche_effectifs_ul = bands.tranche_effectifs
    left join ranked on enrolments.siren = ranked.siren
    where ranked.recruiter_rank is null or ranked.recruiter_rank > {{ var('top_recruiters_n') }}
),

quarantined_issues as (
    select
        raw_key as siren,
        code_region,
        enrolment_date,
        'rejected_by_quarantine' as issue,
        'rule ' || rejection_rule || ' on column ' || rejection_column || ' (see rejected_rows)' as detail,
        raw_line
    from quarantined
),

issues as (
    select * from staged_issues
    union all
    select * from quarantined_issues
)

select * from issues
