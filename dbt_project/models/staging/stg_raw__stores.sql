with

source as (
    select * from {{ source('raw', 'store') }}
),

renamed as (
    select
        id as store_id,
        code as store_code,
        name as store_name,
        region,
        city,
        store_type
    from source
),

final as (
    select * from renamed
)

select * from final
