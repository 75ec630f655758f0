with

eligible as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_eligible
),

lookback_hires as (
    select * from {{ ref('int_establishment_lookback_hires') }}
),

sectors as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

scores as (
    select * from {{ ref('int_establishment_hiring_scores') }}
),

divisions as (
    select * from {{ ref('naf_divisions') }}
),

joined as (
    select
        eligible.siret,
        eligible.siren,
        eligible.code_agence,
        eligible.code_region,
        eligible.code_departement,
        eligible.naf_code,
        eligible.naf_division,
        divisions.libelle_division,
        eligible.naf_section,
        eligible.tranche_effectifs,
        eligible.headcount_estimate,
        eligible.is_eligible,
        lookback_hires.lookback_hires,
        lookback_hires.lookback_durable_hires,
        sectors.n_establishments as sector_n_establishments,
        sectors.sector_hiring_rate,
        sectors.region_rate_threshold,
        sectors.is_high_hiring_sector,
        lookback_hires.lookback_hires = 0 as is_non_recruiter,
        scores.expected_lookback_hires,
        scores.hiring_gap,
        scores.n_comparables
    from eligible
    inner join lookback_hires on eligible.siret = lookback_hires.siret
    inner join sectors
        on
            eligible.code_region = sectors.code_region
            and eligible.naf_division = sectors.naf_division
    inner join scores on eligible.siret = scores.siret
    inner join divisions on eligible.naf_division = divisions.naf_division
),

flagged as (
    select
        *,
        is_high_hiring_sector as is_prospect,
        is_high_hiring_sector and is_non_recruiter as is_priority_prospect,
        expected_lookback_hires as hiring_potential_score
    from joined
),

ranked as (
    select
        *,
        case
            when is_prospect
                then row_number() over (
                    partition by code_agence, is_prospect
                    order by
                        case when is_priority_prospect then 0 else 1 end asc,
                        hiring_potential_score desc,
                        siret asc
                )
        end as rank_in_agency
    from flagged
),

explained as (
    select
        *,
        case
            when is_priority_prospect
                then
                    'Prospect prioritaire : le secteur « ' || libelle_division
                    || ' » recrute beaucoup dans la région ('
                    || {{ format_fr('100 * sector_hiring_rate') }} || ' embauches pour 100 salariés en 12 mois, seuil régional '
                    || {{ format_fr('100 * region_rate_threshold') }}
                    || '), mais l''établissement n''a fait aucune embauche en CDI ou CDD de plus d''un mois'
                    || ' sur la période, quand des entreprises comparables en feraient '
                    || {{ format_fr('expected_lookback_hires') }} || '.'
            when is_prospect
                then
                    'Prospect : le secteur « ' || libelle_division
                    || ' » recrute beaucoup dans la région ('
                    || {{ format_fr('100 * sector_hiring_rate') }} || ' embauches pour 100 salariés en 12 mois, seuil régional '
                    || {{ format_fr('100 * region_rate_threshold') }}
                    || ') ; l''établissement a fait ' || cast(lookback_hires as {{ dbt.type_string() }})
                    || ' embauche(s) en 12 mois, pour ' || {{ format_fr('expected_lookback_hires') }}
                    || ' attendues d''après des entreprises comparables.'
            when sector_n_establishments < {{ var('min_sector_establishments') }}
                then
                    'Hors cible : le secteur « ' || libelle_division || ' » compte moins de '
                    || cast({{ var('min_sector_establishments') }} as {{ dbt.type_string() }})
                    || ' établissements dans la région, trop peu pour juger de son taux d''embauche.'
            else
                'Hors cible : le secteur « ' || libelle_division
                || ' » n''est pas parmi les plus recruteurs de la région ('
                || coalesce({{ format_fr('100 * sector_hiring_rate') }}, 'taux inconnu')
                || ' embauches pour 100 salariés en 12 mois, seuil régional '
                || coalesce({{ format_fr('100 * region_rate_threshold') }}, 'inconnu') || ').'
        end as targeting_reason
    from ranked
),

final as (
    select
        siret,
        siren,
        code_agence,
        code_region,
        code_departement,
        naf_code,
        naf_division,
        naf_section,
        tranche_effectifs,
        headcount_estimate,
        is_eligible,
        lookback_hires,
        lookback_durable_hires,
        sector_hiring_rate,
        region_rate_threshold,
        is_high_hiring_sector,
        is_non_recruiter,
        is_prospect,
        is_priority_prospect,
        expected_lookback_hires,
        hiring_gap,
        n_comparables,
        hiring_potential_score,
        rank_in_agency,
        targeting_reason
    from explained
)

select * from final
