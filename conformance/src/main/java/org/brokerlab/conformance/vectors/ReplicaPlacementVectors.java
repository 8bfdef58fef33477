package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.common.DirectoryId;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.placement.ClusterDescriber;
import org.apache.kafka.metadata.placement.PartitionAssignment;
import org.apache.kafka.metadata.placement.PlacementSpec;
import org.apache.kafka.metadata.placement.StripedReplicaPlacer;
import org.apache.kafka.metadata.placement.TopicAssignment;
import org.apache.kafka.metadata.placement.UsableBroker;

/**
 * {@code replica-placement}: Kafka's {@link StripedReplicaPlacer#place(PlacementSpec, ClusterDescriber)}
 * over random clusters (0–12 usable brokers, with and without racks, some fenced) and requests
 * (partition counts, replication factors including invalid ones).
 *
 * <p>Each case is one placer with its own {@code new java.util.Random(seed)}, asked for one or
 * more topics in a row, as the controller's single placer is across topic creations. A case
 * line: {@code seed}, {@code brokers} (in the order the cluster describer yields them: id, rack
 * or null, fenced), {@code requests} ({@code partitions}, {@code rf}) and {@code results}, one per
 * request: {@code replicas} (one list per partition) or {@code error} ({@code class},
 * {@code message}).
 */
final class ReplicaPlacementVectors {
    static final String FAMILY = "replica-placement";
    static final long SEED = 0x5EED_0001L;
    static final int COUNT = 1500;
    /** Rack names: short and long, some sharing a Java HashMap bucket, so iteration order matters. */
    private static final String[] RACK_POOL = {
        "a", "b", "c", "d", "rack1", "rack2", "rack3", "us-east-1a", "us-east-1b", "us-east-1c",
        "eu-west-1a", "dc1", "dc2", "Aa", "BB", "r17", "zone-9",
    };

    private ReplicaPlacementVectors() {
    }

    static Path generate(Path dir) throws IOException {
        Random gen = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.metadata.placement.StripedReplicaPlacer.place(PlacementSpec, ClusterDescriber)");
        for (int i = 0; i < COUNT; i++) {
            file.add(oneCase(gen));
        }
        return file.write(dir);
    }

    private static Json.Obj oneCase(Random gen) {
        // The cluster: 0–12 brokers (0 only rarely), distinct ids from a range with gaps.
        int n = gen.nextInt(40) == 0 ? 0 : 1 + gen.nextInt(12);
        List<Integer> pool = new ArrayList<>();
        int idRange = n + gen.nextInt(n + 6);
        for (int id = gen.nextInt(3); pool.size() < idRange; id++) {
            pool.add(id);
        }
        Collections.shuffle(pool, gen);
        List<Integer> ids = new ArrayList<>(pool.subList(0, n));
        // Racks: none, all racked, or mixed (some brokers without a rack).
        int rackMode = gen.nextInt(3);
        List<String> racks = new ArrayList<>();
        int numRacks = 1 + gen.nextInt(Math.max(1, Math.min(n, 6)));
        List<String> rackPool = new ArrayList<>(List.of(RACK_POOL));
        Collections.shuffle(rackPool, gen);
        racks.addAll(rackPool.subList(0, numRacks));
        // Fencing: none, some, or all.
        int fenceMode = gen.nextInt(10);
        List<UsableBroker> brokers = new ArrayList<>();
        List<Json.Obj> brokersJson = new ArrayList<>();
        for (int id : ids) {
            Optional<String> rack;
            if (rackMode == 0 || (rackMode == 2 && gen.nextInt(3) == 0)) {
                rack = Optional.empty();
            } else {
                rack = Optional.of(racks.get(gen.nextInt(racks.size())));
            }
            boolean fenced = fenceMode == 0 || (fenceMode < 5 && gen.nextInt(3) == 0);
            brokers.add(new UsableBroker(id, rack, fenced));
            brokersJson.add(Json.obj().put("id", id).put("rack", rack.orElse(null)).put("fenced", fenced));
        }
        // One to three requests on the same placer.
        int numRequests = gen.nextInt(4) == 0 ? 2 + gen.nextInt(2) : 1;
        long seed = gen.nextLong();
        StripedReplicaPlacer placer = new StripedReplicaPlacer(new Random(seed));
        ClusterDescriber cluster = new ClusterDescriber() {
            @Override
            public Iterator<UsableBroker> usableBrokers() {
                return brokers.iterator();
            }

            @Override
            public Uuid defaultDir(int brokerId) {
                return DirectoryId.MIGRATING;
            }
        };
        List<Json.Obj> requests = new ArrayList<>();
        List<Json.Obj> results = new ArrayList<>();
        for (int r = 0; r < numRequests; r++) {
            int partitions = gen.nextInt(4) == 0 ? gen.nextInt(61) : 1 + gen.nextInt(12);
            int rf;
            int kind = gen.nextInt(10);
            if (kind == 0) {
                rf = n + 1 + gen.nextInt(2);
            } else if (kind == 1) {
                rf = -gen.nextInt(2);
            } else {
                rf = 1 + gen.nextInt(Math.max(1, Math.min(n, 5)));
            }
            requests.add(Json.obj().put("partitions", partitions).put("rf", rf));
            Json.Obj result = Json.obj();
            try {
                TopicAssignment assignment = placer.place(new PlacementSpec(0, partitions, (short) rf), cluster);
                List<List<Integer>> replicas = new ArrayList<>();
                for (PartitionAssignment p : assignment.assignments()) {
                    replicas.add(p.replicas());
                }
                result.put("replicas", replicas);
            } catch (RuntimeException e) {
                result.put("error", Json.obj().put("class", e.getClass().getName()).put("message", e.getMessage()));
            }
            results.add(result);
        }
        return Json.obj()
            .put("seed", seed)
            .put("brokers", brokersJson)
            .put("requests", requests)
            .put("results", results);
    }
}
