#!/bin/sh
# One-shot (temporalio/admin-tools image): registers Guichet's namespace if it
# does not exist yet. Guichet's search attributes are registered afterwards by
# `guichet temporal-setup`.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=guichet}"
: "${RETENTION:=720h}"
export TEMPORAL_ADDRESS

attempt=0
until temporal operator cluster health; do
	attempt=$((attempt + 1))
	if [ "$attempt" -ge 30 ]; then
		echo "temporal namespace: server not healthy after $attempt attempts" >&2
		exit 1
	fi
	sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
	echo "temporal namespace: $NAMESPACE already exists"
else
	temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" \
		--description "Guichet tickets"
	echo "temporal namespace: $NAMESPACE created (retention $RETENTION)"
fi
