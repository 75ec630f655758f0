with

source as (
    select * from {{ ref('base_pole_emploi__job_offers') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        offer_id,
        siret,
        code_agence,
        -- attributes
        code_rome,
        nature_contrat,
        positions,
        motif_cloture,
        closed_date is null as is_open,
        coalesce(motif_cloture = 'pourvue_service', false) as is_filled_by_service,
        -- dates
        published_date,
        closed_date
    from source
)

select * from renamed
