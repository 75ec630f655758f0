-- Pre-period profile of each agency of the experiment regions, z-scored within its region, on which
-- comparison agencies are chosen: log(1 + prospects), the share of its eligible firms that are in
-- high-hiring sectors, and the look-back hiring rate of its eligible firms.
with

agencies as (
    select * from {{ ref('stg_pole_emploi__agencies') }}
),

experiment_regions as (
    select code_region from {{ ref('experiment_regions') }}
),

targeting as (
    select * from {{ ref('int_establishments_targeted') }}
),

per_agency as (
    select
        code_agence,
        count(*) as n_eligible,
        sum(case when is_prospect then 1 else 0 end) as n_prospects,
        sum(lookback_hires) as lookback_hires,
        sum(headcount_estimate) as headcount_estimate
    from targeting
    group by code_agence
),

profiles as (
    select
        agencies.code_agence,
        agencies.code_region,
        agencies.type_territoire,
        agencies.code_agglomeration,
        cast(coalesce(per_agency.n_eligible, 0) as bigint) as n_eligible,
        cast(coalesce(per_agency.n_prospects, 0) as bigint) as n_prospects,
        ln(1 + coalesce(per_agency.n_prospects, 0)) as log_prospects,
        cast(per_agency.n_prospects as {{ type_double() }}) / nullif(per_agency.n_eligible, 0)
            as high_hiring_share,
        per_agency.lookback_hires / nullif(per_agency.headcount_estimate, 0) as lookback_hiring_rate
    from agencies
    inner join experiment_regions on agencies.code_region = experiment_regions.code_region
    left join per_agency on agencies.code_agence = per_agency.code_agence
),

region_moments as (
    select
        code_region,
        avg(log_prospects) as mean_log_prospects,
        stddev_samp(log_prospects) as sd_log_prospects,
        avg(high_hiring_share) as mean_high_hiring_share,
        stddev_samp(high_hiring_share) as sd_high_hiring_share,
        avg(lookback_hiring_rate) as mean_lookback_hiring_rate,
        stddev_samp(lookback_hiring_rate) as sd_lookback_hiring_rate
    from profiles
    group by code_region
),

z_scored as (
    -- a measure that does not vary within the region cannot tell agencies apart: its z-score is 0
    select
        profiles.*,
        coalesce(
            (profiles.log_prospects - region_moments.mean_log_prospects)
            / nullif(region_moments.sd_log_prospects, 0), 0
        ) as z_log_prospects,
        coalesce(
            (profiles.high_hiring_share - region_moments.mean_high_hiring_share)
            / nullif(region_moments.sd_high_hiring_share, 0), 0
        ) as z_high_hiring_share,
        coalesce(
            (profiles.lookback_hiring_rate - region_moments.mean_lookback_hiring_rate)
            / nullif(region_moments.sd_lookback_hiring_rate, 0), 0
        ) as z_lookback_hiring_rate
    from profiles
    inner join region_moments on profiles.code_region = region_moments.code_region
)

select * from z_scored
