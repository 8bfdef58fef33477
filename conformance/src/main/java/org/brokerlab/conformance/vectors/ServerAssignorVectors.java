package org.brokerlab.conformance.vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metadata.PartitionRecord;
import org.apache.kafka.common.metadata.TopicRecord;
import org.apache.kafka.coordinator.common.runtime.KRaftCoordinatorMetadataImage;
import org.apache.kafka.coordinator.group.api.assignor.ConsumerGroupPartitionAssignor;
import org.apache.kafka.coordinator.group.api.assignor.GroupAssignment;
import org.apache.kafka.coordinator.group.api.assignor.MemberAssignment;
import org.apache.kafka.coordinator.group.api.assignor.SubscriptionType;
import org.apache.kafka.coordinator.group.assignor.RangeAssignor;
import org.apache.kafka.coordinator.group.assignor.UniformAssignor;
import org.apache.kafka.coordinator.group.modern.Assignment;
import org.apache.kafka.coordinator.group.modern.GroupSpecImpl;
import org.apache.kafka.coordinator.group.modern.MemberSubscriptionAndAssignmentImpl;
import org.apache.kafka.coordinator.group.modern.ModernGroup;
import org.apache.kafka.coordinator.group.modern.SubscribedTopicDescriberImpl;
import org.apache.kafka.coordinator.group.modern.SubscriptionCount;
import org.apache.kafka.coordinator.group.modern.TopicIds;
import org.apache.kafka.image.MetadataDelta;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.image.MetadataProvenance;

/**
 * Family {@code server-assignors}: the KIP-848 group coordinator's assignors
 * ({@code org.apache.kafka.coordinator.group.assignor.UniformAssignor} and {@code RangeAssignor})
 * through {@code assign(GroupSpec, SubscribedTopicDescriber)}.
 *
 * <p>Each case is a sequence of target-assignment computations for one consumer group, built the
 * way {@code TargetAssignmentBuilder.build()} builds them: a {@code GroupSpecImpl} over a
 * {@code HashMap} of {@code MemberSubscriptionAndAssignmentImpl} filled in member order (each
 * member's subscribed names as the {@code HashSet} {@code ConsumerGroupMember} keeps, resolved to
 * topic ids by {@code TopicIds}, and its current target assignment), the subscription type as
 * {@code ModernGroup.subscriptionType} computes it from subscriber counts by name, the inverted
 * target assignment, and a {@code SubscribedTopicDescriberImpl} over a KRaft metadata image with
 * the topics. Each round's result is the next round's target assignment. Between rounds members
 * join and leave, change subscriptions, and topics grow or appear.
 */
final class ServerAssignorVectors {
    static final String FAMILY = "server-assignors";
    static final long SEED = 20_440_003L;
    static final String[] ASSIGNORS = {"uniform", "range"};
    static final int SEQUENCES_PER_ASSIGNOR = 500;

    private ServerAssignorVectors() {}

    private static final class Member {
        final String id;
        final String instanceId;
        List<String> topics;

        Member(String id, String instanceId, List<String> topics) {
            this.id = id;
            this.instanceId = instanceId;
            this.topics = topics;
        }
    }

    private static final class Topic {
        final String name;
        final Uuid id;
        int partitions;
        boolean exists;

        Topic(String name, Uuid id, int partitions, boolean exists) {
            this.name = name;
            this.id = id;
            this.partitions = partitions;
            this.exists = exists;
        }
    }

    static Path generate(Path dir) throws IOException {
        Random rnd = new Random(SEED);
        VectorFile file = new VectorFile(FAMILY, SEED,
            "org.apache.kafka.coordinator.group.assignor.{UniformAssignor,RangeAssignor}.assign(GroupSpec, "
                + "SubscribedTopicDescriber) with GroupSpecImpl, MemberSubscriptionAndAssignmentImpl, TopicIds, "
                + "ModernGroup.subscriptionType and SubscribedTopicDescriberImpl over a KRaft MetadataImage, as "
                + "TargetAssignmentBuilder.build() calls them");
        int index = 0;
        for (String name : ASSIGNORS) {
            for (int s = 0; s < SEQUENCES_PER_ASSIGNOR; s++) {
                file.add(sequence(rnd, name, index++));
            }
        }
        return file.write(dir);
    }

    private static ConsumerGroupPartitionAssignor newAssignor(String name) {
        return name.equals("uniform") ? new UniformAssignor() : new RangeAssignor();
    }

    private static Json.Obj sequence(Random rnd, String assignorName, int index) {
        ConsumerGroupPartitionAssignor assignor = newAssignor(assignorName);
        ClientAssignorVectors.Names names = new ClientAssignorVectors.Names(rnd);
        List<Topic> topics = new ArrayList<>();
        int nTopics = 1 + rnd.nextInt(6);
        for (int i = 0; i < nTopics; i++) {
            topics.add(new Topic(names.topic(), randomTopicId(rnd), 1 + rnd.nextInt(20), true));
        }
        if (rnd.nextInt(6) == 0) {
            topics.add(new Topic(names.topic(), randomTopicId(rnd), 1 + rnd.nextInt(20), false));
        }
        boolean homogeneous = rnd.nextBoolean();
        List<String> common = randomSubscription(rnd, topics);
        List<Member> members = new ArrayList<>();
        int nMembers = 1 + rnd.nextInt(12);
        for (int i = 0; i < nMembers; i++) {
            members.add(newMember(rnd, names, homogeneous ? new ArrayList<>(common) : randomSubscription(rnd, topics)));
        }
        Map<String, Assignment> target = new HashMap<>();
        int rounds = 1 + rnd.nextInt(5);
        List<Object> roundRecords = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<String> events = new ArrayList<>();
            if (r > 0) {
                int nEvents = 1 + rnd.nextInt(2);
                for (int e = 0; e < nEvents; e++) {
                    String ev = event(rnd, names, homogeneous, common, topics, members, target);
                    if (ev != null) {
                        events.add(ev);
                    }
                }
            }
            roundRecords.add(round(assignor, topics, members, target, events));
        }
        return Json.obj()
            .put("case", index)
            .put("assignor", assignorName)
            .put("rounds", roundRecords);
    }

    /** A random id that is not one of Kafka's reserved ids and whose text does not start with '-'. */
    private static Uuid randomTopicId(Random rnd) {
        while (true) {
            Uuid id = new Uuid(rnd.nextLong(), rnd.nextLong());
            if (!Uuid.RESERVED.contains(id) && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    /** KIP-848 consumers choose their member id ({@code Uuid.randomUuid().toString()}): a quarter of the time; short ids otherwise. */
    private static Member newMember(Random rnd, ClientAssignorVectors.Names names, List<String> topics) {
        String id = rnd.nextInt(4) != 0 ? names.shortId() : randomTopicId(rnd).toString();
        String instance = rnd.nextInt(5) == 0 ? names.instance() : null;
        return new Member(id, instance, topics);
    }

    private static List<String> randomSubscription(Random rnd, List<Topic> topics) {
        List<String> out = new ArrayList<>();
        for (Topic t : topics) {
            if (rnd.nextInt(3) != 0) {
                out.add(t.name);
            }
        }
        if (out.isEmpty()) {
            out.add(topics.get(rnd.nextInt(topics.size())).name);
        }
        Collections.shuffle(out, rnd);
        return out;
    }

    private static String event(Random rnd, ClientAssignorVectors.Names names, boolean homogeneous, List<String> common,
                                List<Topic> topics, List<Member> members, Map<String, Assignment> target) {
        switch (rnd.nextInt(6)) {
            case 0, 1 -> {
                if (members.size() >= 12) {
                    return null;
                }
                Member m = newMember(rnd, names, homogeneous ? new ArrayList<>(common) : randomSubscription(rnd, topics));
                members.add(m);
                return "join " + m.id;
            }
            case 2 -> {
                if (members.size() <= 1) {
                    return null;
                }
                Member m = members.remove(rnd.nextInt(members.size()));
                // The member's target assignment is deleted with it (a tombstone record).
                target.remove(m.id);
                return "leave " + m.id;
            }
            case 3 -> {
                if (homogeneous) {
                    List<String> next = randomSubscription(rnd, topics);
                    common.clear();
                    common.addAll(next);
                    for (Member m : members) {
                        m.topics = new ArrayList<>(next);
                    }
                    return "all subscribe " + next;
                }
                Member m = members.get(rnd.nextInt(members.size()));
                m.topics = randomSubscription(rnd, topics);
                return "subscribe " + m.id + " " + m.topics;
            }
            case 4 -> {
                List<Topic> growable = new ArrayList<>();
                for (Topic t : topics) {
                    if (t.exists && t.partitions < 20) {
                        growable.add(t);
                    }
                }
                if (growable.isEmpty()) {
                    return null;
                }
                Topic t = growable.get(rnd.nextInt(growable.size()));
                t.partitions += 1 + rnd.nextInt(20 - t.partitions);
                return "partitions " + t.name + " " + t.partitions;
            }
            default -> {
                for (Topic t : topics) {
                    if (!t.exists) {
                        t.exists = true;
                        return "create " + t.name + " " + t.partitions;
                    }
                }
                return null;
            }
        }
    }

    private static MetadataImage image(List<Topic> topics) {
        MetadataDelta delta = new MetadataDelta.Builder().setImage(MetadataImage.EMPTY).build();
        for (Topic t : topics) {
            if (!t.exists) {
                continue;
            }
            delta.replay(new TopicRecord().setName(t.name).setTopicId(t.id));
            for (int p = 0; p < t.partitions; p++) {
                delta.replay(new PartitionRecord().setPartitionId(p).setTopicId(t.id)
                    .setReplicas(List.of(1)).setIsr(List.of(1)).setLeader(1).setLeaderEpoch(0).setPartitionEpoch(0));
            }
        }
        return delta.apply(MetadataProvenance.EMPTY);
    }

    /** The iteration order of the member map, as indices into the member list. */
    private static List<Integer> javaOrder(List<Member> members, Set<String> keys) {
        List<Integer> out = new ArrayList<>();
        for (String id : keys) {
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).id.equals(id)) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    private static Json.Obj round(ConsumerGroupPartitionAssignor assignor, List<Topic> topics, List<Member> members,
                                  Map<String, Assignment> target, List<String> events) {
        KRaftCoordinatorMetadataImage image = new KRaftCoordinatorMetadataImage(image(topics));
        TopicIds.CachedTopicResolver resolver = new TopicIds.CachedTopicResolver(image);
        Map<Uuid, String> nameOf = new HashMap<>();
        for (Topic t : topics) {
            nameOf.put(t.id, t.name);
        }
        // TargetAssignmentBuilder.build(): a HashMap of member specs filled in member order.
        HashMap<String, MemberSubscriptionAndAssignmentImpl> specs = new HashMap<>();
        Map<String, SubscriptionCount> byName = new HashMap<>();
        Map<Uuid, Map<Integer, String>> inverted = new HashMap<>();
        List<Object> memberRecords = new ArrayList<>();
        for (Member m : members) {
            Assignment current = target.getOrDefault(m.id, Assignment.EMPTY);
            Set<String> subscribed = new HashSet<>(m.topics);
            specs.put(m.id, new MemberSubscriptionAndAssignmentImpl(Optional.empty(), Optional.ofNullable(m.instanceId),
                new TopicIds(subscribed, resolver), current));
            for (String t : subscribed) {
                byName.merge(t, new SubscriptionCount(1, 0), (a, b) -> new SubscriptionCount(a.byNameCount() + 1, 0));
            }
            List<Object> assigned = new ArrayList<>();
            for (Map.Entry<Uuid, Set<Integer>> e : current.partitions().entrySet()) {
                assigned.add(Json.arr(nameOf.get(e.getKey()), new ArrayList<>(e.getValue())));
                for (int p : e.getValue()) {
                    inverted.computeIfAbsent(e.getKey(), k -> new HashMap<>()).put(p, m.id);
                }
            }
            Json.Obj rec = Json.obj().put("id", m.id);
            if (m.instanceId != null) {
                rec.put("instance", m.instanceId);
            }
            memberRecords.add(rec.put("topics", m.topics).put("assignment", assigned));
        }
        SubscriptionType type = ModernGroup.subscriptionType(byName, members.size());
        GroupSpecImpl spec = new GroupSpecImpl(Collections.unmodifiableMap(specs), type, inverted);
        GroupAssignment result = assignor.assign(spec, new SubscribedTopicDescriberImpl(image));

        List<Object> out = new ArrayList<>();
        for (Member m : members) {
            MemberAssignment a = result.members().get(m.id);
            Map<Uuid, Set<Integer>> parts = a == null ? Map.of() : a.partitions();
            target.put(m.id, new Assignment(parts));
            // Sets: written sorted by topic name, then partition.
            TreeMap<String, TreeSet<Integer>> sorted = new TreeMap<>();
            for (Map.Entry<Uuid, Set<Integer>> e : parts.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    sorted.put(nameOf.get(e.getKey()), new TreeSet<>(e.getValue()));
                }
            }
            List<Object> runs = new ArrayList<>();
            sorted.forEach((t, ps) -> runs.add(Json.arr(t, new ArrayList<>(ps))));
            out.add(runs);
        }
        List<Object> topicRecords = new ArrayList<>();
        for (Topic t : topics) {
            if (t.exists) {
                topicRecords.add(Json.obj().put("name", t.name)
                    .put("id_msb", t.id.getMostSignificantBits()).put("id_lsb", t.id.getLeastSignificantBits())
                    .put("partitions", t.partitions));
            }
        }
        return Json.obj()
            .put("events", events)
            .put("topics", topicRecords)
            .put("subscription_type", type.name())
            .put("members", memberRecords)
            .put("java_member_order", javaOrder(members, specs.keySet()))
            .put("assignment", out);
    }
}
