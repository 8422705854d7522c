"""/dimensions over the shared small warehouse (2 stores, 3 products), checked against raw.*."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.dbt.conftest import Warehouse
from tests.serving.conftest import assert_problem


@pytest.fixture(scope="module")
def stores(small_warehouse: Warehouse) -> pd.DataFrame:
    with small_warehouse.engine.connect() as conn:
        return pd.read_sql(text("select * from raw.store"), conn)


@pytest.fixture(scope="module")
def products(small_warehouse: Warehouse) -> pd.DataFrame:
    with small_warehouse.engine.connect() as conn:
        return pd.read_sql(text("select * from raw.product"), conn, coerce_float=False)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    body = response.json()
    key = "stores" if "stores" in body else "products"
    return [row["id"] for row in body[key]]


def test_stores_default_to_code_order_with_totals(client: TestClient, stores) -> None:
    response = client.get("/dimensions/stores")
    body = response.json()
    assert response.status_code == 200
    assert (body["total"], body["page"], body["page_size"]) == (len(stores), 1, 20)
    assert _ids(response) == stores.sort_values("code")["id"].tolist()
    first = stores.set_index("id").loc[body["stores"][0]["id"]]
    returned = body["stores"][0]
    for column in ("code", "name", "region", "city", "store_type"):
        assert returned[column] == first[column]
    assert pd.Timestamp(returned["created_at"]) == first["created_at"]
    assert pd.Timestamp(returned["updated_at"]) == first["updated_at"]


def test_store_pages_count_every_match(client: TestClient, stores) -> None:
    ordered = stores.sort_values("code")["id"].tolist()
    second = client.get("/dimensions/stores", params={"page": 2, "page_size": 1})
    assert _ids(second) == ordered[1:2]
    assert second.json()["total"] == len(stores)
    past_the_end = client.get("/dimensions/stores", params={"page": 9, "page_size": 1})
    assert past_the_end.json() == {"stores": [], "total": len(stores), "page": 9, "page_size": 1}


def test_store_filters_are_exact(client: TestClient, stores) -> None:
    region = stores["region"].iloc[0]
    response = client.get("/dimensions/stores", params={"region": region})
    assert sorted(_ids(response)) == sorted(stores.loc[stores["region"] == region, "id"])
    assert response.json()["total"] == int((stores["region"] == region).sum())
    store_type = stores["store_type"].iloc[-1]
    response = client.get("/dimensions/stores", params={"store_type": store_type})
    assert sorted(_ids(response)) == sorted(stores.loc[stores["store_type"] == store_type, "id"])
    assert _ids(client.get("/dimensions/stores", params={"region": region.lower() + "x"})) == []


def test_store_search_is_a_case_insensitive_substring_of_code_or_name(
    client: TestClient, stores
) -> None:
    target = stores.iloc[-1]
    by_code = client.get("/dimensions/stores", params={"search": target["code"].lower()})
    assert _ids(by_code) == [target["id"]]
    fragment = target["name"][1:5].upper()
    expected = stores[
        stores["name"].str.upper().str.contains(fragment, regex=False)
        | stores["code"].str.upper().str.contains(fragment, regex=False)
    ]
    by_name = client.get("/dimensions/stores", params={"search": fragment})
    assert sorted(_ids(by_name)) == sorted(expected["id"])
    # LIKE wildcards are matched literally.
    assert _ids(client.get("/dimensions/stores", params={"search": "%_"})) == []


def test_store_sorting_is_allow_listed(client: TestClient, stores) -> None:
    by_name = client.get("/dimensions/stores", params={"sort_by": "name", "sort_order": "desc"})
    assert _ids(by_name) == stores.sort_values("name", ascending=False)["id"].tolist()
    default = stores.sort_values("code")["id"].tolist()
    for unknown in ("base_price", "name; drop table raw.store", ""):
        assert _ids(client.get("/dimensions/stores", params={"sort_by": unknown})) == default
    # The Forge writes every store in one transaction: equal created_at, so id decides.
    tied = client.get("/dimensions/stores", params={"sort_by": "created_at", "sort_order": "desc"})
    assert stores["created_at"].nunique() == 1
    assert _ids(tied) == sorted(stores["id"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"search": "S"}, "query.search"),
        ({"page": 0}, "query.page"),
        ({"page_size": 0}, "query.page_size"),
        ({"page_size": 101}, "query.page_size"),
        ({"sort_order": "up"}, "query.sort_order"),
    ],
)
def test_bad_list_parameters_are_422(client: TestClient, params: dict, field: str) -> None:
    for listing in ("/dimensions/stores", "/dimensions/products"):
        body = assert_problem(client.get(listing, params=params), 422, "VALIDATION_ERROR")
        assert [e["field"] for e in body["errors"]] == [field]


def test_one_store_by_id(client: TestClient, stores) -> None:
    target = stores.iloc[0]
    body = client.get(f"/dimensions/stores/{target['id']}").json()
    assert (body["id"], body["code"], body["name"]) == (
        target["id"],
        target["code"],
        target["name"],
    )


def test_unknown_ids_are_404_problems_that_point_at_the_listing(client: TestClient) -> None:
    body = assert_problem(client.get("/dimensions/stores/999999"), 404, "NOT_FOUND")
    assert "999999" in body["detail"] and "GET /dimensions/stores" in body["detail"]
    body = assert_problem(client.get("/dimensions/products/999999"), 404, "NOT_FOUND")
    assert "GET /dimensions/products" in body["detail"]
    assert_problem(client.get("/dimensions/stores/abc"), 422, "VALIDATION_ERROR")


def test_products_default_to_sku_order_with_money_as_strings(client: TestClient, products) -> None:
    response = client.get("/dimensions/products")
    assert _ids(response) == products.sort_values("sku")["id"].tolist()
    assert response.json()["total"] == len(products)
    returned = response.json()["products"][0]
    first = products.set_index("id").loc[returned["id"]]
    assert returned["base_price"] == str(first["base_price"])
    assert returned["base_cost"] == str(first["base_cost"])
    for column in ("sku", "name", "category", "brand", "lifecycle_stage", "subcategory"):
        assert returned[column] == (None if pd.isna(first[column]) else first[column])
    assert {"pack_size", "launch_date", "discontinue_date"} <= returned.keys()


def test_product_filters_search_and_sort(client: TestClient, products) -> None:
    category = products["category"].iloc[0]
    response = client.get("/dimensions/products", params={"category": category})
    assert sorted(_ids(response)) == sorted(products.loc[products["category"] == category, "id"])
    brand = products["brand"].iloc[-1]
    response = client.get("/dimensions/products", params={"brand": brand})
    assert sorted(_ids(response)) == sorted(products.loc[products["brand"] == brand, "id"])
    sku = products["sku"].iloc[1]
    assert _ids(client.get("/dimensions/products", params={"search": sku.lower()})) == [
        products["id"].iloc[1]
    ]
    by_price = client.get(
        "/dimensions/products", params={"sort_by": "base_price", "sort_order": "desc"}
    )
    expected = products.assign(price=products["base_price"].astype(float)).sort_values(
        ["price", "id"], ascending=[False, True]
    )
    assert _ids(by_price) == expected["id"].tolist()
    assert _ids(client.get("/dimensions/products", params={"sort_by": "nope"})) == (
        products.sort_values("sku")["id"].tolist()
    )


def test_one_product_by_id(client: TestClient, products) -> None:
    target = products.iloc[-1]
    body = client.get(f"/dimensions/products/{target['id']}").json()
    assert (body["id"], body["sku"], body["base_price"]) == (
        target["id"],
        target["sku"],
        str(target["base_price"]),
    )
