with

products as (
    select * from {{ ref('stg_raw__products') }}
),

final as (
    select
        product_id,
        sku,
        product_name,
        category,
        subcategory,
        brand,
        base_price,
        base_cost,
        lifecycle_stage,
        launch_date,
        discontinue_date,
        pack_size
    from products
)

select * from final
