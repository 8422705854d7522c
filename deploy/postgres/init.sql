-- Run once by the postgres image's entrypoint, on an empty data volume only
-- (files in /docker-entrypoint-initdb.d are ignored once PGDATA is initialised).
--
-- One server, three databases (DESIGN.md "Data flow"):
--   forecastlab  warehouse + app state + RAG vectors (schemas raw/staging/marts/ml/app/rag)
--   dagster      Dagster instance storage (dagster-postgres writes into its `public` schema)
--   mlflow       MLflow backend store (MLflow cannot be pointed at a schema)
-- Idempotent through \gexec, so POSTGRES_DB may name one of them without breaking the init.

SELECT 'CREATE DATABASE forecastlab'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'forecastlab')\gexec

SELECT 'CREATE DATABASE dagster'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'dagster')\gexec

SELECT 'CREATE DATABASE mlflow'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'mlflow')\gexec

\connect forecastlab
CREATE EXTENSION IF NOT EXISTS vector;
