package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.DirectoryId;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.PartitionChangeRecord;
import org.apache.kafka.controller.PartitionChangeBuilder;
import org.apache.kafka.metadata.LeaderRecoveryState;
import org.apache.kafka.metadata.PartitionRegistration;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.apache.kafka.server.common.EligibleLeaderReplicasVersion;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * {@code partition-change}: Kafka's {@link PartitionChangeBuilder#build()} over random partition
 * states and requests, then {@link PartitionRegistration#merge(PartitionChangeRecord)}.
 *
 * <p>Metadata version: {@link MetadataVersion#latestProduction()}. ELR: enabled (as
 * {@link EligibleLeaderReplicasVersion#LATEST_PRODUCTION} makes it on a fresh 4.4 cluster) in most
 * cases, disabled in a share. A case line: {@code partition} (the registration), {@code acceptable}
 * (the brokers {@code isAcceptableLeader} accepts), {@code election}, {@code minIsr}, {@code elr},
 * {@code useLastKnownLeader}, the optional targets ({@code targetIsr}, {@code targetReplicas},
 * {@code targetRemoving}, {@code targetAdding}, {@code uncleanShutdownReplicas},
 * {@code targetLeaderRecoveryState}; absent = not set), then Kafka's answer: {@code record} (null
 * when {@code build()} returns empty) and {@code after} (the merged registration), or
 * {@code error} ({@code class}, {@code message}) if the builder threw.
 */
final class PartitionChangeVectors {
    static final String FAMILY = "partition-change";
    static final long SEED = 0x5EED_0002L;
    static final int COUNT = 2400;
    /** Broker ids: small ones and some sharing a HashSet bucket with them (16, 17, 33, ...). */
    private static final int[] ID_POOL = {0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 33, 100, 1001};

    private PartitionChangeVectors() {
    }

    static Path generate(Path dir) throws IOException {
        Random gen = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.controller.PartitionChangeBuilder.build() and "
                    + "org.apache.kafka.metadata.PartitionRegistration.merge(PartitionChangeRecord), "
                    + "MetadataVersion.latestProduction() = " + MetadataVersion.latestProduction());
        for (int i = 0; i < COUNT; i++) {
            file.add(oneCase(gen));
        }
        return file.write(dir);
    }

    private static List<Integer> shuffled(List<Integer> list, Random gen) {
        List<Integer> copy = new ArrayList<>(list);
        Collections.shuffle(copy, gen);
        return copy;
    }

    /** A random subset of {@code from}, in a random order or in {@code from}'s order. */
    private static List<Integer> subset(List<Integer> from, Random gen, int percent) {
        List<Integer> result = new ArrayList<>();
        for (int x : from) {
            if (gen.nextInt(100) < percent) {
                result.add(x);
            }
        }
        return gen.nextBoolean() ? result : shuffled(result, gen);
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Json.Obj registration(PartitionRegistration p) {
        return Json.obj()
            .put("replicas", p.replicas)
            .put("isr", p.isr)
            .put("elr", p.elr)
            .put("lastKnownElr", p.lastKnownElr)
            .put("leader", p.leader)
            .put("leaderEpoch", p.leaderEpoch)
            .put("partitionEpoch", p.partitionEpoch)
            .put("leaderRecoveryState", p.leaderRecoveryState.value())
            .put("removingReplicas", p.removingReplicas)
            .put("addingReplicas", p.addingReplicas);
    }

    /** The record's fields; a list field is null when the record leaves it unchanged. */
    private static Json.Obj record(PartitionChangeRecord r) {
        return Json.obj()
            .put("leader", r.leader())
            .put("isr", r.isr())
            .put("eligibleLeaderReplicas", r.eligibleLeaderReplicas())
            .put("lastKnownElr", r.lastKnownElr())
            .put("replicas", r.replicas())
            .put("removingReplicas", r.removingReplicas())
            .put("addingReplicas", r.addingReplicas())
            .put("leaderRecoveryState", r.leaderRecoveryState());
    }

    private static Json.Obj oneCase(Random gen) {
        // The brokers of this case and the replica set.
        List<Integer> pool = new ArrayList<>();
        for (int id : ID_POOL) {
            pool.add(id);
        }
        Collections.shuffle(pool, gen);
        int numBrokers = 1 + gen.nextInt(7);
        List<Integer> brokers = new ArrayList<>(pool.subList(0, numBrokers));
        int rf = 1 + gen.nextInt(Math.min(numBrokers, 5));
        List<Integer> original = new ArrayList<>(shuffled(brokers, gen).subList(0, rf));

        // An ongoing reassignment, shaped as PartitionReassignmentReplicas computes it.
        List<Integer> replicas = original;
        List<Integer> removing = List.of();
        List<Integer> adding = List.of();
        if (gen.nextInt(5) == 0) {
            int targetSize = Math.max(1, Math.min(numBrokers, rf + gen.nextInt(3) - 1));
            List<Integer> target = new ArrayList<>(shuffled(brokers, gen).subList(0, targetSize));
            TreeSet<Integer> rem = new TreeSet<>(original);
            rem.removeAll(target);
            TreeSet<Integer> add = new TreeSet<>(target);
            add.removeAll(original);
            if (!rem.isEmpty() || !add.isEmpty()) {
                replicas = new ArrayList<>(target);
                replicas.addAll(rem);
                removing = new ArrayList<>(rem);
                adding = new ArrayList<>(add);
            }
        }

        int minIsr = 1 + gen.nextInt(3);
        List<Integer> isr = gen.nextInt(8) == 0 ? new ArrayList<>() : subset(replicas, gen, 70);
        List<Integer> notIsr = new ArrayList<>(replicas);
        notIsr.removeAll(isr);
        List<Integer> elr = gen.nextInt(3) == 0 ? subset(notIsr, gen, 60) : new ArrayList<>();
        List<Integer> lastKnownElr = new ArrayList<>();
        if (gen.nextInt(4) == 0) {
            lastKnownElr.add(replicas.get(gen.nextInt(replicas.size())));
            if (gen.nextInt(4) == 0) {
                int other = replicas.get(gen.nextInt(replicas.size()));
                if (!lastKnownElr.contains(other)) {
                    lastKnownElr.add(other);
                }
            }
        }
        int leader;
        int leaderKind = gen.nextInt(10);
        if (!isr.isEmpty() && leaderKind < 7) {
            leader = isr.get(gen.nextInt(isr.size()));
        } else if (leaderKind < 9) {
            leader = -1;
        } else {
            leader = replicas.get(gen.nextInt(replicas.size()));
        }
        int leaderEpoch = gen.nextInt(40);
        int partitionEpoch = leaderEpoch + gen.nextInt(40);
        LeaderRecoveryState recovery = gen.nextInt(7) == 0 ? LeaderRecoveryState.RECOVERING : LeaderRecoveryState.RECOVERED;
        Uuid[] directories = new Uuid[replicas.size()];
        java.util.Arrays.fill(directories, DirectoryId.MIGRATING);
        PartitionRegistration partition = new PartitionRegistration.Builder()
            .setReplicas(toArray(replicas))
            .setDirectories(directories)
            .setIsr(toArray(isr))
            .setRemovingReplicas(toArray(removing))
            .setAddingReplicas(toArray(adding))
            .setElr(toArray(elr))
            .setLastKnownElr(toArray(lastKnownElr))
            .setLeader(leader)
            .setLeaderRecoveryState(recovery)
            .setLeaderEpoch(leaderEpoch)
            .setPartitionEpoch(partitionEpoch)
            .build();

        // The builder's inputs.
        List<Integer> acceptable = new ArrayList<>();
        for (int b : brokers) {
            if (gen.nextInt(4) != 0) {
                acceptable.add(b);
            }
        }
        Set<Integer> acceptableSet = Set.copyOf(acceptable);
        int e = gen.nextInt(10);
        PartitionChangeBuilder.Election election = e < 5 ? PartitionChangeBuilder.Election.ONLINE
            : e < 7 ? PartitionChangeBuilder.Election.PREFERRED : PartitionChangeBuilder.Election.UNCLEAN;
        boolean elrEnabled = gen.nextInt(6) != 0;
        boolean useLastKnownLeader = gen.nextInt(10) != 0;

        List<Integer> targetIsr = null;
        int isrKind = gen.nextInt(10);
        if (isrKind < 2 && !isr.isEmpty()) {
            // One member leaves (a fenced, shutting-down or lagging broker).
            targetIsr = new ArrayList<>(isr);
            targetIsr.remove(gen.nextInt(targetIsr.size()));
        } else if (isrKind < 4 && !notIsr.isEmpty()) {
            // A caught-up follower joins.
            targetIsr = new ArrayList<>(isr);
            targetIsr.add(notIsr.get(gen.nextInt(notIsr.size())));
        } else if (isrKind < 5) {
            targetIsr = subset(replicas, gen, 60);
        } else if (isrKind < 6) {
            targetIsr = new ArrayList<>();
        } else if (isrKind < 7 && isr.size() > 1) {
            targetIsr = new ArrayList<>(isr.subList(0, 1));
        }

        List<Integer> targetReplicas = null;
        List<Integer> targetRemoving = null;
        List<Integer> targetAdding = null;
        int replicaKind = gen.nextInt(20);
        if (replicaKind < 2) {
            // A new reassignment, as ReplicationControlManager.changePartitionReassignment sets it.
            int targetSize = Math.max(1, Math.min(numBrokers, rf + gen.nextInt(3) - 1));
            List<Integer> target = new ArrayList<>(shuffled(brokers, gen).subList(0, targetSize));
            TreeSet<Integer> rem = new TreeSet<>(replicas);
            rem.removeAll(target);
            TreeSet<Integer> add = new TreeSet<>(target);
            add.removeAll(replicas);
            List<Integer> newReplicas = new ArrayList<>(target);
            newReplicas.addAll(rem);
            if (!newReplicas.equals(replicas)) {
                targetReplicas = newReplicas;
            }
            if (!rem.isEmpty()) {
                targetRemoving = new ArrayList<>(rem);
            }
            if (!add.isEmpty()) {
                targetAdding = new ArrayList<>(add);
            }
        } else if (replicaKind < 4 && !adding.isEmpty() || replicaKind < 3 && !removing.isEmpty()) {
            // A cancellation, as PartitionReassignmentRevert computes it.
            List<Integer> revertReplicas = new ArrayList<>(replicas);
            revertReplicas.removeAll(adding);
            List<Integer> revertIsr = new ArrayList<>(isr);
            revertIsr.removeAll(adding);
            if (revertIsr.isEmpty() && !revertReplicas.isEmpty()) {
                revertIsr.add(revertReplicas.get(0));
            }
            if (!revertReplicas.isEmpty()) {
                targetReplicas = revertReplicas;
                targetIsr = revertIsr;
                targetRemoving = List.of();
                targetAdding = List.of();
            }
        } else if (replicaKind < 5) {
            // Any other replica list.
            int size = 1 + gen.nextInt(numBrokers);
            targetReplicas = new ArrayList<>(shuffled(brokers, gen).subList(0, size));
        }

        List<Integer> uncleanShutdown = null;
        if (gen.nextInt(6) == 0) {
            uncleanShutdown = new ArrayList<>();
            uncleanShutdown.add(replicas.get(gen.nextInt(replicas.size())));
        }
        LeaderRecoveryState targetRecovery = null;
        if (gen.nextInt(6) == 0) {
            targetRecovery = gen.nextBoolean() ? LeaderRecoveryState.RECOVERED : LeaderRecoveryState.RECOVERING;
        }

        Json.Obj c = Json.obj()
            .put("partition", registration(partition))
            .put("acceptable", acceptable)
            .put("election", election.name())
            .put("minIsr", minIsr)
            .put("elr", elrEnabled)
            .put("useLastKnownLeader", useLastKnownLeader);
        if (targetIsr != null) {
            c.put("targetIsr", targetIsr);
        }
        if (targetReplicas != null) {
            c.put("targetReplicas", targetReplicas);
        }
        if (targetRemoving != null) {
            c.put("targetRemoving", targetRemoving);
        }
        if (targetAdding != null) {
            c.put("targetAdding", targetAdding);
        }
        if (uncleanShutdown != null) {
            c.put("uncleanShutdownReplicas", uncleanShutdown);
        }
        if (targetRecovery != null) {
            c.put("targetLeaderRecoveryState", targetRecovery.value());
        }

        try {
            PartitionChangeBuilder builder = new PartitionChangeBuilder(partition, Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"), 0,
                acceptableSet::contains, MetadataVersion.latestProduction(), minIsr, elrEnabled)
                .setElection(election)
                .setUseLastKnownLeaderInBalancedRecovery(useLastKnownLeader)
                .setDefaultDirProvider(id -> DirectoryId.MIGRATING);
            if (targetIsr != null) {
                builder.setTargetIsr(targetIsr);
            }
            if (targetReplicas != null) {
                builder.setTargetReplicas(targetReplicas);
            }
            if (targetRemoving != null) {
                builder.setTargetRemoving(targetRemoving);
            }
            if (targetAdding != null) {
                builder.setTargetAdding(targetAdding);
            }
            if (uncleanShutdown != null) {
                builder.setUncleanShutdownReplicas(uncleanShutdown);
            }
            if (targetRecovery != null) {
                builder.setTargetLeaderRecoveryState(targetRecovery);
            }
            Optional<ApiMessageAndVersion> built = builder.build();
            if (built.isEmpty()) {
                c.put("record", null);
            } else {
                PartitionChangeRecord r = (PartitionChangeRecord) built.get().message();
                c.put("record", record(r));
                c.put("after", registration(partition.merge(r)));
            }
        } catch (RuntimeException ex) {
            c.put("error", Json.obj().put("class", ex.getClass().getName()).put("message", ex.getMessage()));
        }
        return c;
    }
}
