#!/usr/bin/env bash
# Writes docker/secure/generated/ for docker-compose.secure.yml from an env file (docker/.env.secure):
# a local CA and a server certificate (openssl), Kafka's PEM keystore and the admin client config,
# the JAAS property files of the Schema Registry and ksqlDB, the init scripts of Kafka (SCRAM user,
# ACLs) and Cassandra (roles, grants), and redis.conf (TLS only, ACL user, default user off).
#
#   bash docker/secure/generate.sh docker/.env.secure
#
# The containers run as their own users, so the files are world-readable inside generated/ (the
# CA key excepted): generated/ is secret material like .env.secure — keep both on a machine only
# you use; git ignores them. Not run against the real images here (no Docker engine in CI).
set -euo pipefail

ENV_FILE="${1:?usage: bash docker/secure/generate.sh docker/.env.secure}"
if grep -q 'CHANGE_ME' "$ENV_FILE"; then
  echo "generate.sh: replace every CHANGE_ME in $ENV_FILE first" >&2
  exit 2
fi
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/generated"
mkdir -p "$OUT"
umask 022

# --- TLS: CA and the server certificate of every container name clients use -------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj /CN=meterstream-docker-ca -keyout "$OUT/ca.key" -out "$OUT/ca.crt" 2>/dev/null
chmod 600 "$OUT/ca.key"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=kafka \
  -keyout "$OUT/server.key" -out "$OUT/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:kafka,DNS:localhost,IP:127.0.0.1,DNS:schema-registry,DNS:ksqldb-server,DNS:redis\n' >"$OUT/server.ext"
openssl x509 -req -in "$OUT/server.csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" -CAcreateserial \
  -days 825 -extfile "$OUT/server.ext" -out "$OUT/server.crt" 2>/dev/null
# Kafka's PEM keystore: the PKCS#8 key, then the certificate chain
{ openssl pkcs8 -topk8 -nocrypt -in "$OUT/server.key"; cat "$OUT/server.crt" "$OUT/ca.crt"; } >"$OUT/kafka.keystore.pem"
rm -f "$OUT/server.csr" "$OUT/server.ext" "$OUT/ca.srl"

# --- Kafka: admin's client config (PLAIN, container network), the app user and its ACLs ----------------
cat >"$OUT/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
EOF
printf 'SCRAM-SHA-512=[password=%s]\n' "$METERSTREAM_KAFKA_SASL_PASSWORD" >"$OUT/scram-user.properties"
APP="$METERSTREAM_KAFKA_SASL_USERNAME"
cat >"$OUT/kafka-init.sh" <<EOF
#!/bin/bash
set -euo pipefail
run() { "/opt/kafka/bin/\$1" --bootstrap-server kafka:19092 --command-config /etc/kafka/secrets/admin.properties "\${@:2}"; }
run kafka-configs.sh --alter --entity-type users --entity-name '$APP' --add-config-file /etc/kafka/secrets/scram-user.properties
run kafka-acls.sh --add --allow-principal 'User:$APP' --operation All --topic '*'
run kafka-acls.sh --add --allow-principal 'User:$APP' --operation All --group '*'
run kafka-acls.sh --add --allow-principal 'User:$APP' --operation Write --operation Describe --transactional-id '*'
run kafka-acls.sh --add --allow-principal 'User:$APP' --operation IdempotentWrite --operation Create --operation Describe --cluster
EOF

# --- Schema Registry and ksqlDB: Basic auth through Jetty's property-file login module -----------------
jaas() { # <realm> <passwords file>
  printf '%s {\n  org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required\n  file="%s"\n  debug="false";\n};\n' "$1" "$2"
}
jaas SchemaRegistry /etc/schema-registry/secrets/schema-registry.passwords >"$OUT/schema-registry.jaas"
printf 'admin: %s,admin\n%s: %s,user\n' "$SCHEMA_REGISTRY_ADMIN_PASSWORD" \
  "$METERSTREAM_SCHEMA_REGISTRY_USERNAME" "$METERSTREAM_SCHEMA_REGISTRY_PASSWORD" >"$OUT/schema-registry.passwords"
jaas KsqlServer-Props /etc/ksqldb/secrets/ksqldb.passwords >"$OUT/ksqldb.jaas"
printf 'admin: %s,admin\nmeterstream: %s,user\n' "$KSQL_ADMIN_PASSWORD" "$METERSTREAM_KSQL_PASSWORD" >"$OUT/ksqldb.passwords"

# --- Cassandra: admin superuser, the app role with its grants; the default superuser disabled ---------
cat >"$OUT/cassandra-init.cql" <<EOF
CREATE ROLE IF NOT EXISTS $METERSTREAM_CASSANDRA_USERNAME WITH PASSWORD = '$METERSTREAM_CASSANDRA_PASSWORD' AND LOGIN = true;
GRANT CREATE ON ALL KEYSPACES TO $METERSTREAM_CASSANDRA_USERNAME;
GRANT ALTER ON ALL KEYSPACES TO $METERSTREAM_CASSANDRA_USERNAME;
GRANT SELECT ON ALL KEYSPACES TO $METERSTREAM_CASSANDRA_USERNAME;
GRANT MODIFY ON ALL KEYSPACES TO $METERSTREAM_CASSANDRA_USERNAME;
ALTER ROLE cassandra WITH PASSWORD = '$(openssl rand -hex 24)' AND SUPERUSER = false AND LOGIN = false;
EOF
cat >"$OUT/cassandra-init.sh" <<EOF
#!/bin/bash
set -euo pipefail
# First run: the image's cassandra/cassandra creates admin; later runs: admin exists already.
cqlsh cassandra -u cassandra -p cassandra -e "CREATE ROLE IF NOT EXISTS admin WITH PASSWORD = '$CASSANDRA_ADMIN_PASSWORD' AND SUPERUSER = true AND LOGIN = true" ||
  echo "cassandra-init: the default superuser is disabled already; continuing as admin"
cqlsh cassandra -u admin -p '$CASSANDRA_ADMIN_PASSWORD' -f /secrets/cassandra-init.cql
EOF

# --- Redis: TLS only, as `meterstream up --secure` runs it (the directives of redisTlsArgs in -------
# modules/security/src/redis-tls.ts: plain-text port closed, clients log in with an ACL user rather
# than a certificate); no default user; the app user may do everything but @dangerous (FLUSHALL,
# CONFIG, …) — INFO excepted, which ioredis' ready check sends on connect (as redisAclFile does).
# The paths are the container's: docker-compose.secure.yml mounts the files there.
cat >"$OUT/redis.conf" <<EOF
port 0
tls-port 6379
tls-cert-file /usr/local/etc/redis/secrets/server.crt
tls-key-file /usr/local/etc/redis/secrets/server.key
tls-ca-cert-file /usr/local/etc/redis/secrets/ca.crt
tls-auth-clients no
user default off
user $METERSTREAM_REDIS_USERNAME on >$METERSTREAM_REDIS_PASSWORD ~* &* +@all -@dangerous +info
EOF

echo "generate.sh: wrote $OUT (CA: $OUT/ca.crt)"
