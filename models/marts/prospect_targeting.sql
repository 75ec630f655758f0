with

targeted as (
    select * from {{ ref('int_establishments_targeted') }}
),

predictions as (
    -- the shipped score, a dbt Python model: DuckDB runs it; on the other engines the column is
    -- NULL and the call order falls back to the version-1 score (README, other engines)
    {%- if target.type == 'duckdb' %}
        select
            siret,
            expected_hires_next_6_months
        from {{ ref('int_establishment_hiring_predictions') }}
    {%- else %}
    select
        siret,
        cast(null as {{ type_double() }}) as expected_hires_next_6_months
    from targeted
    {%- endif %}
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
        predictions.expected_hires_next_6_months,
        divisions.libelle_division
    from targeted
    inner join divisions on targeted.naf_division = divisions.naf_division
    left join predictions on targeted.siret = predictions.siret
),

ranked as (
    -- the call order the validation finds the most hires per call with (docs/targeting.md):
    -- prospects by expected hires over the next six months, priority prospects or not
    select
        *,
        case
            -- bigint on every engine (Spark's row_number is a 4-byte int)
            when is_prospect
                then cast(row_number() over (
                    partition by code_agence, is_prospect
                    order by
                        coalesce(expected_hires_next_6_months, hiring_potential_score) desc,
                        siret asc
                ) as bigint)
        end as rank_in_agency
    from labelled
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
                    || coalesce(
                        ' Embauches attendues dans les six prochains mois : '
                        || {{ format_fr('expected_hires_next_6_months') }} || '.', ''
                    )
            when is_prospect
                then
                    'Prospect : le secteur « ' || libelle_division
                    || ' » recrute beaucoup dans la région ('
                    || {{ format_fr('100 * sector_hiring_rate') }} || ' embauches pour 100 salariés en 12 mois, seuil régional '
                    || {{ format_fr('100 * region_rate_threshold') }}
                    || ') ; l''établissement a fait ' || cast(lookback_hires as {{ dbt.type_string() }})
                    || ' embauche(s) en 12 mois, pour ' || {{ format_fr('expected_lookback_hires') }}
                    || ' attendues d''après des entreprises comparables.'
                    || coalesce(
                        ' Embauches attendues dans les six prochains mois : '
                        || {{ format_fr('expected_hires_next_6_months') }} || '.', ''
                    )
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
        expected_hires_next_6_months,
        rank_in_agency,
        coalesce(rank_in_agency <= {{ var('calls_per_agency') }}, false) as is_on_call_list,
        targeting_reason
    from explained
)

select * from final
