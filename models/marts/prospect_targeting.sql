with

targeted as (
    select * from {{ ref('int_establishments_targeted') }}
),

divisions as (
    select
        naf_division,
        libelle_division
    from {{ ref('naf_divisions') }}
),

labelled as (
    select
        targeted.*,
        divisions.libelle_division
    from targeted
    inner join divisions on targeted.naf_division = divisions.naf_division
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
    from labelled
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
