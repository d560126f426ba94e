# Sourced by deploy/local/start and deploy/local/scale: starting and stopping one silo of the local cluster. Needs
# $root, $run, $redis_port and $blob_port (start sets them; scale reads them from .local-cluster/ports.env).

# Azurite's well-known development account (public, documented by Microsoft), on our port.
blob_connection() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
}

# start_silo N REGION [--demo]: silo N serves REGION on ports 5080+N (HTTP), 11111+N (silo), 30000+N (gateway); returns
# once it is Active (its readiness says so), or fails naming its log.
start_silo() {
  local i="$1" region="$2"; shift 2
  local http_port=$((5080 + i)) silo_port=$((11111 + i)) gateway_port=$((30000 + i))
  Casn__Orleans__Profile=Redis Casn__Redis__ConnectionString="127.0.0.1:$redis_port" \
  Casn__Orleans__Region="$region" Casn__Orleans__SiloPort="$silo_port" Casn__Orleans__GatewayPort="$gateway_port" \
  Casn__Orleans__ClusterId=casn-local Casn__Biometrics__Key="$(cat "$run/biometrics.key")" Casn__Auth__SigningKey="$(cat "$run/auth.key")" \
  Casn__Storage__BlobConnectionString="$(blob_connection)" Casn__Archive__SigningKey="$(cat "$run/archive.key")" \
  Casn__PublicBaseUrl="http://127.0.0.1:5080" Casn__Orleans__DrainDelay="${CASN_DRAIN_DELAY:-00:00:03}" \
    nohup dotnet "$run/silo/Casn.Silo.dll" "$@" --urls "http://127.0.0.1:$http_port" > "$run/silo-$i.log" 2>&1 &
  echo $! > "$run/silo-$i.pid"
  printf 'region=%s\nhttp_port=%s\nsilo_port=%s\ngateway_port=%s\n' "$region" "$http_port" "$silo_port" "$gateway_port" > "$run/silo-$i.ports"
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http_port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$http_port/health/ready" >/dev/null || { echo "silo $i ($region) did not become ready: see $run/silo-$i.log"; return 1; }
  echo "silo $i: region $region, http://127.0.0.1:$http_port (silo $silo_port, gateway $gateway_port)"
}

# stop_silo N: SIGTERM, so the silo drains (readiness turns not-ready first, then it leaves the cluster); forced after
# a minute, as Kubernetes' grace period would.
stop_silo() {
  local i="$1" pidfile="$run/silo-$1.pid"
  [ -f "$pidfile" ] || { echo "no silo $i"; return 1; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 240); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$pidfile" "$run/silo-$i.ports"
}

# The silos that are running: "N region http_port", one per line.
list_silos() {
  local pidfile i
  for pidfile in "$run"/silo-*.pid; do
    [ -f "$pidfile" ] || continue
    i="${pidfile##*/silo-}"; i="${i%.pid}"
    kill -0 "$(cat "$pidfile")" 2>/dev/null || continue
    # shellcheck disable=SC1090
    (. "$run/silo-$i.ports" && echo "$i $region $http_port")
  done | sort -n
}
