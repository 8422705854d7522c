with

source as (
    select * from {{ source('raw', 'product') }}
),

renamed as (
    select
        id as product_id,
        sku,
        name as product_name,
        category,
        subcategory,
        brand,
        cast(base_price as double precision) as base_price,
        cast(base_cost as double precision) as base_cost,
        lifecycle_stage,
        launch_date,
        discontinue_date,
        pack_size
    from source
),

final as (
    select * from renamed
)

select * from final
