package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.internals.AbstractStickyAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Family {@code client-assignors}: the classic protocol's client-side assignors run by the group
 * leader ({@code RangeAssignor}, {@code RoundRobinAssignor}, {@code StickyAssignor},
 * {@code CooperativeStickyAssignor}) through {@code ConsumerPartitionAssignor.assign(Cluster,
 * GroupSubscription)}.
 *
 * <p>Each case is a rebalance sequence of one group. Every member is modelled the way the real
 * consumer ({@code ConsumerCoordinator}) behaves between rebalances: it keeps its own assignor
 * instance; its JoinGroup subscription carries its sorted topics, the assignor's
 * {@code subscriptionUserData} (for "sticky": the previous assignment and generation recorded by
 * {@code onAssignment}; for "cooperative-sticky": the generation), the partitions it still owns
 * after {@code onJoinPrepare} (none for the eager protocol or after its generation was reset;
 * for the cooperative protocol what it was assigned, minus topics it no longer subscribes to)
 * and its generation. Subscriptions and assignments go through {@code ConsumerProtocol}
 * serialization as on the wire, the leader's {@code HashMap} is filled in JoinGroup member order,
 * and every member's {@code onAssignment} sees the deserialized assignment. Between rounds members
 * join, leave, are expired and rejoin with a new member id, change subscriptions, and topics grow
 * or appear; a cooperative round that revokes partitions is followed by the rejoin it triggers.
 *
 * <p>Every round records what the leader's assignor was given (members in JoinGroup order, with
 * the subscription exactly as deserialized and its user data decoded; the highest generation the
 * leader's sticky assignor instance had seen before) and what it returned.
 */
final class ClientAssignorVectors {
    static final String FAMILY = "client-assignors";
    static final long SEED = 20_440_002L;
    static final String[] ASSIGNORS = {"range", "roundrobin", "sticky", "cooperative-sticky"};
    static final int SEQUENCES_PER_ASSIGNOR = 250;
    static final String GROUP = "g";
    static final Node NODE = new Node(1, "localhost", 9092);

    private ClientAssignorVectors() {}

    /** One consumer process as its ConsumerCoordinator and assignor see it. */
    private static final class Consumer {
        final String instanceId;
        final ConsumerPartitionAssignor assignor;
        String memberId;
        TreeSet<String> topics;
        /** Generation of the last successful SyncGroup; -1 after a reset or before the first. */
        int generation = -1;
        /** {@code SubscriptionState.assignedPartitionsList()}: sorted by topic, then partition. */
        List<TopicPartition> assigned = new ArrayList<>();
        /** What this member sent as owned partitions in the current round. */
        List<TopicPartition> ownedAtJoin = List.of();

        Consumer(String memberId, String instanceId, TreeSet<String> topics, ConsumerPartitionAssignor assignor) {
            this.memberId = memberId;
            this.instanceId = instanceId;
            this.topics = topics;
            this.assignor = assignor;
        }
    }

    /** Exposes the protected {@code memberData} decoding of the user data, for the record only. */
    private static final class StickyProbe extends StickyAssignor {
        AbstractStickyAssignor.MemberData decode(Subscription s) {
            return memberData(s);
        }
    }

    private static final class CooperativeProbe extends CooperativeStickyAssignor {
        AbstractStickyAssignor.MemberData decode(Subscription s) {
            return memberData(s);
        }
    }

    private static final StickyProbe STICKY_PROBE = new StickyProbe();
    private static final CooperativeProbe COOPERATIVE_PROBE = new CooperativeProbe();

    static Path generate(Path dir) throws IOException {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.clients.consumer.{RangeAssignor,RoundRobinAssignor,StickyAssignor,CooperativeStickyAssignor}"
                + ".assign(Cluster, GroupSubscription), with subscriptions built as ConsumerCoordinator.metadata() "
                + "does (subscriptionUserData, ownedPartitions, generationId) through ConsumerProtocol, and "
                + "onAssignment(Assignment, ConsumerGroupMetadata) after every round");
        int index = 0;
        for (String name : ASSIGNORS) {
            for (int s = 0; s < SEQUENCES_PER_ASSIGNOR; s++) {
                file.add(sequence(rnd, name, index++));
            }
        }
        return file.write(dir);
    }

    static ConsumerPartitionAssignor newAssignor(String name) {
        return switch (name) {
            case "range" -> new RangeAssignor();
            case "roundrobin" -> new RoundRobinAssignor();
            case "sticky" -> new StickyAssignor();
            case "cooperative-sticky" -> new CooperativeStickyAssignor();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Json.Obj sequence(Random rnd, String assignorName, int index) {
        boolean cooperative = assignorName.equals("cooperative-sticky");
        Names names = new Names(rnd);
        // Topics: 1-6 that exist with 1-20 partitions; sometimes one more that does not exist yet.
        Map<String, Integer> partitions = new TreeMap<>();
        int nTopics = 1 + rnd.nextInt(6);
        List<String> topicPool = new ArrayList<>();
        for (int i = 0; i < nTopics; i++) {
            String t = names.topic();
            topicPool.add(t);
            partitions.put(t, 1 + rnd.nextInt(20));
        }
        String missing = null;
        if (rnd.nextInt(6) == 0) {
            missing = names.topic();
            topicPool.add(missing);
        }
        boolean homogeneous = rnd.nextInt(3) == 0;
        TreeSet<String> common = randomSubset(rnd, topicPool, partitions);

        List<Consumer> members = new ArrayList<>();
        int nMembers = 1 + rnd.nextInt(12);
        for (int i = 0; i < nMembers; i++) {
            members.add(newConsumer(rnd, names, assignorName, homogeneous ? new TreeSet<>(common) : randomSubset(rnd, topicPool, partitions)));
        }
        Consumer leader = members.get(0);
        int generation = 0;
        int rounds = 1 + rnd.nextInt(5);
        boolean followUp = false;
        List<Object> roundRecords = new ArrayList<>();
        for (int r = 0; r < rounds || followUp; r++) {
            List<String> events = new ArrayList<>();
            if (r > 0 && !followUp) {
                int nEvents = 1 + rnd.nextInt(2);
                for (int e = 0; e < nEvents; e++) {
                    String ev = event(rnd, names, assignorName, cooperative, homogeneous, common, topicPool, partitions, members, missing);
                    if (ev != null) {
                        events.add(ev);
                    }
                    if (missing != null && partitions.containsKey(missing)) {
                        missing = null;
                    }
                }
            } else if (followUp) {
                events.add("rejoin after revoking");
            }
            if (!members.contains(leader)) {
                leader = members.get(0);
            }
            generation++;
            roundRecords.add(round(assignorName, cooperative, partitions, members, leader, generation, events));
            followUp = false;
            if (cooperative) {
                for (Consumer c : members) {
                    for (TopicPartition tp : c.ownedAtJoin) {
                        if (!c.assigned.contains(tp)) {
                            followUp = true;
                        }
                    }
                }
            }
            if (r > 20) {
                throw new IllegalStateException("cooperative rebalances did not settle");
            }
        }
        return Json.obj()
            .put("case", index)
            .put("assignor", assignorName)
            .put("rounds", roundRecords);
    }

    private static Consumer newConsumer(Random rnd, Names names, String assignorName, TreeSet<String> topics) {
        String instanceId = rnd.nextInt(5) == 0 ? names.instance() : null;
        return new Consumer(names.member(instanceId), instanceId, topics, newAssignor(assignorName));
    }

    /** Applies one random change between rebalances; returns what happened, for the record. */
    private static String event(Random rnd, Names names, String assignorName, boolean cooperative, boolean homogeneous,
                                TreeSet<String> common, List<String> topicPool, Map<String, Integer> partitions,
                                List<Consumer> members, String missing) {
        switch (rnd.nextInt(missing != null ? 7 : 6)) {
            case 0, 1 -> {
                if (members.size() >= 12) {
                    return null;
                }
                Consumer c = newConsumer(rnd, names, assignorName, homogeneous ? new TreeSet<>(common) : randomSubset(rnd, topicPool, partitions));
                members.add(c);
                return "join " + c.memberId;
            }
            case 2 -> {
                if (members.size() <= 1) {
                    return null;
                }
                Consumer c = members.remove(rnd.nextInt(members.size()));
                return "leave " + c.memberId;
            }
            case 3 -> {
                // Session expired: the coordinator removed the member; the consumer resets its
                // generation and member id, loses its partitions (onJoinPrepare), and rejoins
                // with a new member id, keeping its assignor instance.
                Consumer c = members.remove(rnd.nextInt(members.size()));
                String old = c.memberId;
                c.memberId = names.member(c.instanceId);
                c.generation = -1;
                c.assigned = new ArrayList<>();
                members.add(c);
                return "expire " + old + " rejoin as " + c.memberId;
            }
            case 4 -> {
                if (homogeneous) {
                    TreeSet<String> next = randomSubset(rnd, topicPool, partitions);
                    common.clear();
                    common.addAll(next);
                    for (Consumer c : members) {
                        resubscribe(c, new TreeSet<>(next), cooperative);
                    }
                    return "all subscribe " + next;
                }
                Consumer c = members.get(rnd.nextInt(members.size()));
                TreeSet<String> next = randomSubset(rnd, topicPool, partitions);
                resubscribe(c, next, cooperative);
                return "subscribe " + c.memberId + " " + next;
            }
            case 5 -> {
                List<String> growable = new ArrayList<>();
                for (Map.Entry<String, Integer> e : partitions.entrySet()) {
                    if (e.getValue() < 20) {
                        growable.add(e.getKey());
                    }
                }
                if (growable.isEmpty()) {
                    return null;
                }
                String t = growable.get(rnd.nextInt(growable.size()));
                int n = partitions.get(t) + 1 + rnd.nextInt(20 - partitions.get(t));
                partitions.put(t, n);
                return "partitions " + t + " " + n;
            }
            default -> {
                int n = 1 + rnd.nextInt(20);
                partitions.put(missing, n);
                return "create " + missing + " " + n;
            }
        }
    }

    /** {@code subscribe()} with new topics (what it no longer subscribes to is revoked when it rejoins). */
    private static void resubscribe(Consumer c, TreeSet<String> topics, boolean cooperative) {
        c.topics = topics;
    }

    private static Json.Obj round(String assignorName, boolean cooperative, Map<String, Integer> partitions,
                                  List<Consumer> members, Consumer leader, int generation, List<String> events) {
        // What each member sends (ConsumerCoordinator.metadata()), as the leader deserializes it.
        Map<String, Subscription> subscriptions = new HashMap<>();
        List<Object> memberRecords = new ArrayList<>();
        for (Consumer c : members) {
            // onJoinPrepare: a cooperative member revokes the partitions of topics it no longer
            // subscribes to; an eager one (or one whose generation was reset) gives up all.
            if (cooperative) {
                c.assigned.removeIf(tp -> !c.topics.contains(tp.topic()));
            }
            List<TopicPartition> owned = cooperative && c.generation >= 0 ? new ArrayList<>(c.assigned) : new ArrayList<>();
            c.ownedAtJoin = owned;
            Subscription sent = new Subscription(new ArrayList<>(c.topics), c.assignor.subscriptionUserData(c.topics), owned, c.generation, Optional.empty());
            Subscription seen = ConsumerProtocol.deserializeSubscription(ConsumerProtocol.serializeSubscription(sent));
            seen.setGroupInstanceId(Optional.ofNullable(c.instanceId));
            subscriptions.put(c.memberId, seen);
            Json.Obj rec = Json.obj().put("id", c.memberId);
            if (c.instanceId != null) {
                rec.put("instance", c.instanceId);
            }
            rec.put("topics", seen.topics())
                .put("owned", runs(seen.ownedPartitions()))
                .put("generation", seen.generationId().orElse(-1));
            Object userData = userData(assignorName, seen);
            if (userData != null) {
                rec.put("user_data", userData);
            }
            memberRecords.add(rec);
        }
        List<Integer> javaOrder = new ArrayList<>();
        for (String id : subscriptions.keySet()) {
            javaOrder.add(indexOf(members, id));
        }
        int maxGenerationBefore = leader.assignor instanceof AbstractStickyAssignor a ? a.maxGeneration() : -1;

        GroupAssignment result = leader.assignor.assign(cluster(partitions), new GroupSubscription(subscriptions));

        List<Object> assignment = new ArrayList<>();
        for (Consumer c : members) {
            assignment.add(runs(result.groupAssignment().get(c.memberId).partitions()));
        }
        // SyncGroup: every member gets its serialized assignment, calls onAssignment and
        // assigns the partitions (sorted, as onJoinComplete's TreeSet hands them over).
        for (Consumer c : members) {
            ByteBuffer wire = ConsumerProtocol.serializeAssignment(result.groupAssignment().get(c.memberId));
            Assignment received = ConsumerProtocol.deserializeAssignment(wire);
            c.assignor.onAssignment(received, new ConsumerGroupMetadata(GROUP, generation, c.memberId, Optional.ofNullable(c.instanceId)));
            TreeSet<TopicPartition> sorted = new TreeSet<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            sorted.addAll(received.partitions());
            c.assigned = new ArrayList<>(sorted);
            c.generation = generation;
        }
        Map<String, Object> topicCounts = new LinkedHashMap<>(partitions);
        return Json.obj()
            .put("events", events)
            .put("generation", generation)
            .put("partitions", topicCounts)
            .put("leader", indexOf(members, leader.memberId))
            .put("leader_max_generation", maxGenerationBefore)
            .put("members", memberRecords)
            .put("java_member_order", javaOrder)
            .put("assignment", assignment);
    }

    private static int indexOf(List<Consumer> members, String memberId) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).memberId.equals(memberId)) {
                return i;
            }
        }
        throw new IllegalStateException(memberId);
    }

    /** The assignor's user data as its {@code memberData} decodes it; null for range and roundrobin. */
    private static Object userData(String assignorName, Subscription seen) {
        ByteBuffer raw = seen.userData();
        Subscription copy = new Subscription(seen.topics(), raw == null ? null : raw.duplicate(), seen.ownedPartitions(), -1, seen.rackId());
        switch (assignorName) {
            case "sticky" -> {
                if (raw == null || !raw.hasRemaining()) {
                    return null;
                }
                AbstractStickyAssignor.MemberData d = STICKY_PROBE.decode(copy);
                return Json.obj().put("partitions", runs(d.partitions)).put("generation", d.generation.orElse(null));
            }
            case "cooperative-sticky" -> {
                if (raw == null) {
                    return null;
                }
                AbstractStickyAssignor.MemberData d = COOPERATIVE_PROBE.decode(copy);
                return Json.obj().put("generation", d.generation.orElse(null));
            }
            default -> {
                return null;
            }
        }
    }

    static Cluster cluster(Map<String, Integer> partitions) {
        List<PartitionInfo> infos = new ArrayList<>();
        Node[] replicas = {NODE};
        for (Map.Entry<String, Integer> e : partitions.entrySet()) {
            for (int p = 0; p < e.getValue(); p++) {
                infos.add(new PartitionInfo(e.getKey(), p, NODE, replicas, replicas));
            }
        }
        return new Cluster("brokerlab", List.of(NODE), infos, java.util.Set.of(), java.util.Set.of());
    }

    /** A partition list in order, as runs of one topic: [["t", [0, 1]], ["u", [3]], ["t", [2]]]. */
    static List<Object> runs(List<TopicPartition> list) {
        List<Object> out = new ArrayList<>();
        String topic = null;
        List<Integer> current = null;
        for (TopicPartition tp : list) {
            if (!tp.topic().equals(topic)) {
                topic = tp.topic();
                current = new ArrayList<>();
                out.add(Json.arr(topic, current));
            }
            current.add(tp.partition());
        }
        return out;
    }

    /** A random non-empty subset of the topics (at least one that exists, when any does). */
    private static TreeSet<String> randomSubset(Random rnd, List<String> pool, Map<String, Integer> partitions) {
        TreeSet<String> out = new TreeSet<>();
        for (String t : pool) {
            if (rnd.nextInt(3) != 0) {
                out.add(t);
            }
        }
        List<String> existing = new ArrayList<>();
        for (String t : pool) {
            if (partitions.containsKey(t)) {
                existing.add(t);
            }
        }
        if (out.stream().noneMatch(partitions::containsKey) && !existing.isEmpty()) {
            out.add(existing.get(rnd.nextInt(existing.size())));
        }
        return out;
    }

    /** Topic names, member ids and instance ids, unique within a sequence. */
    static final class Names {
        private static final String[] WORDS = {"orders", "payments", "clicks", "events", "logs", "users", "audit", "metrics", "t", "a", "b"};
        private final Random rnd;
        private final java.util.Set<String> used = new java.util.HashSet<>();
        private int clients = 0;

        Names(Random rnd) {
            this.rnd = rnd;
        }

        String topic() {
            while (true) {
                String t = switch (rnd.nextInt(3)) {
                    case 0 -> WORDS[rnd.nextInt(WORDS.length)];
                    case 1 -> WORDS[rnd.nextInt(WORDS.length)] + rnd.nextInt(10);
                    default -> lower(1 + rnd.nextInt(8));
                };
                if (used.add("topic:" + t)) {
                    return t;
                }
            }
        }

        /**
         * A classic-protocol member id: the coordinator's {@code clientId + "-" + UUID} (or
         * {@code groupInstanceId + "-" + UUID} for a static member) a quarter of the time, short
         * ids otherwise (they hash and sort just as well, and keep the file small).
         */
        String member(String instanceId) {
            while (true) {
                String id;
                if (rnd.nextInt(4) != 0) {
                    id = lower(1 + rnd.nextInt(3));
                } else {
                    String prefix = instanceId != null ? instanceId : "consumer-" + GROUP + "-" + (++clients);
                    id = prefix + "-" + new UUID(rnd.nextLong(), rnd.nextLong());
                }
                if (used.add("member:" + id)) {
                    return id;
                }
            }
        }

        /** A short unique id of 1-3 lowercase letters (or more, once those run out). */
        String shortId() {
            for (int len = 1; ; len++) {
                for (int attempt = 0; attempt < 20; attempt++) {
                    String id = lower(len + rnd.nextInt(3));
                    if (used.add("member:" + id)) {
                        return id;
                    }
                }
            }
        }

        String instance() {
            while (true) {
                String id = "instance-" + lower(1 + rnd.nextInt(4));
                if (used.add("instance:" + id)) {
                    return id;
                }
            }
        }

        private String lower(int len) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
            return sb.toString();
        }
    }
}
