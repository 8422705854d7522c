with

source as (
    select * from {{ source('raw', 'exogenous_signal') }}
),

renamed as (
    select
        id as exogenous_signal_id,
        date,
        signal_name,
        store_id,
        is_global,
        value as signal_value
    from source
),

final as (
    select * from renamed
)

select * from final
