//! kafka-consumer-groups layouts (`ConsumerGroupCommand`), exact strings.

use super::super::groups::*;
use super::super::Stream;

const CID: &str = "console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59";

fn listing(id: &str, t: GroupType, s: GroupState) -> GroupListing {
    GroupListing { group_id: id.to_string(), group_type: t, state: s }
}

// `ConsumerGroupCommand`
#[test]
fn list_plain_and_tables() {
    let groups = vec![
        listing("my-group", GroupType::Classic, GroupState::Stable),
        listing("console-consumer-40213", GroupType::Classic, GroupState::Empty),
    ];
    assert_eq!(list(&groups, false, false).stdout(), "my-group\nconsole-consumer-40213\n");
    assert_eq!(list(&[], false, false).stdout(), "");
    assert_eq!(
        list(&groups, false, true).stdout(),
        "GROUP                            STATE               \nmy-group                         Stable              \nconsole-consumer-40213           Empty               \n"
    );
    assert_eq!(
        list(&groups, true, true).stdout(),
        "GROUP                            TYPE                 STATE               \nmy-group                         Classic              Stable              \nconsole-consumer-40213           Classic              Empty               \n"
    );
    assert_eq!(
        list(&[listing("g", GroupType::Consumer, GroupState::Stable)], true, false).stdout(),
        "GROUP                     TYPE                \ng                         Consumer            \n"
    );
}

// `ConsumerGroupCommand`
#[test]
fn state_and_type_lists() {
    assert_eq!(parse_state_list("stable,EMPTY"), Ok(vec![GroupState::Stable, GroupState::Empty]));
    assert_eq!(parse_state_list(""), Ok(vec![]));
    assert_eq!(
        parse_state_list("Stable,Bogus"),
        Err("Invalid state list 'Stable,Bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling".to_string())
    );
    assert_eq!(parse_type_list("classic,Consumer"), Ok(vec![GroupType::Classic, GroupType::Consumer]));
    assert_eq!(
        parse_type_list("x"),
        Err("Invalid types list 'x'. Valid types are: Consumer, Classic, Share".to_string())
    );
}

fn row(p: i32, cur: Option<i64>, end: i64, owner: bool) -> OffsetRow {
    OffsetRow {
        topic: Some("orders".to_string()),
        partition: Some(p),
        current_offset: cur,
        log_end_offset: Some(end),
        consumer_id: owner.then(|| CID.to_string()),
        host: owner.then(|| "/127.0.0.1".to_string()),
        client_id: owner.then(|| "console-consumer".to_string()),
    }
}

// `ConsumerGroupCommand` stable group (exact)
#[test]
fn describe_offsets_stable() {
    let g = GroupOffsets {
        group: "my-group".to_string(),
        state: GroupState::Stable,
        rows: vec![row(0, Some(5), 7, true), row(1, Some(3), 3, true), row(2, Some(4), 6, true)],
    };
    let o = describe_offsets(&[g]);
    assert_eq!(
        o.stdout(),
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID\nmy-group        orders          0          5               7               2               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer\nmy-group        orders          1          3               3               0               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer\nmy-group        orders          2          4               6               2               console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer\n"
    );
    assert_eq!(o.stderr(), "");
    assert_eq!(o.exit_code, 0);
}

// `ConsumerGroupCommand` empty group (exact): note on stderr, table on stdout
#[test]
fn describe_offsets_empty_group() {
    let g = GroupOffsets {
        group: "my-group".to_string(),
        state: GroupState::Empty,
        rows: vec![row(0, Some(7), 7, false), row(1, Some(3), 3, false), row(2, Some(6), 6, false)],
    };
    let o = describe_offsets(&[g]);
    assert_eq!(o.stderr(), "\nConsumer group 'my-group' has no active members.\n");
    assert_eq!(
        o.stdout(),
        "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\nmy-group        orders          0          7               7               0               -               -               -\nmy-group        orders          1          3               3               0               -               -               -\nmy-group        orders          2          6               6               0               -               -               -\n"
    );
    assert_eq!(o.lines()[1], (Stream::Stderr, "Consumer group 'my-group' has no active members.".to_string()));
}

// `ConsumerGroupCommand` other states, missing values, no rows, several groups
#[test]
fn describe_offsets_states() {
    let dead = GroupOffsets { group: "missing.group".into(), state: GroupState::Dead, rows: vec![] };
    let o = describe_offsets(&[dead]);
    assert_eq!(o.stdout(), "\nError: Consumer group 'missing.group' does not exist.\n");
    assert_eq!(o.stderr(), "");
    assert_eq!(o.exit_code, 0);
    let empty_no_rows = GroupOffsets { group: "g".into(), state: GroupState::Empty, rows: vec![] };
    let o = describe_offsets(&[empty_no_rows]);
    assert_eq!(o.stdout(), "");
    assert_eq!(o.stderr(), "\nConsumer group 'g' has no active members.\n");
    let rebalancing =
        GroupOffsets { group: "b".into(), state: GroupState::PreparingRebalance, rows: vec![row(0, None, 4, true)] };
    let stable = GroupOffsets { group: "a".into(), state: GroupState::Stable, rows: vec![row(0, Some(1), 1, true)] };
    let o = describe_offsets(&[rebalancing, stable]);
    assert_eq!(o.stderr(), "\nWarning: Consumer group 'b' is rebalancing.\n");
    let out = o.stdout();
    let a_pos = out.find("\na ").unwrap();
    let b_pos = out.find("\nb ").unwrap();
    assert!(a_pos < b_pos, "groups in name order");
    assert!(out.contains(
        "\nb               orders          0          -               4               -               console-consumer"
    ));
}

fn member(cid: &str, iid: Option<&str>, parts: &[(&str, i32)]) -> MemberRow {
    MemberRow {
        consumer_id: cid.to_string(),
        group_instance_id: iid.map(str::to_string),
        host: "/127.0.0.1".to_string(),
        client_id: "console-consumer".to_string(),
        assignment: parts.iter().map(|(t, p)| (t.to_string(), *p)).collect(),
        current_epoch: None,
        target_assignment: vec![],
        upgraded: None,
    }
}

// `ConsumerGroupService.printMembers` (exact): `%-Ns ` columns, then with --verbose
// `%-15s %-20s %-15s %-20s` (CURRENT-EPOCH, CURRENT-ASSIGNMENT, TARGET-EPOCH, TARGET-ASSIGNMENT)
#[test]
fn describe_members_examples() {
    let g = GroupMembers {
        group: "my-group".into(),
        state: GroupState::Stable,
        members: vec![member(CID, None, &[("orders", 2), ("orders", 0), ("orders", 1)])],
        target_epoch: None,
    };
    assert_eq!(
        describe_members(std::slice::from_ref(&g), false).stdout(),
        "\nGROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     \nmy-group        console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer 3               \n"
    );
    assert_eq!(
        describe_members(&[g], true).stdout(),
        "\nGROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   \nmy-group        console-consumer-4f8a2b1c-9d3e-4c5f-8a6b-7e1d2c3b4a59 /127.0.0.1      console-consumer 3               -               orders:0,1,2         -               -                   \n"
    );
}

// `ConsumerGroupService.printMembers` rules: instance id column, idle members, epochs and the
// target assignment of KIP-848 members, header whatever the state
#[test]
fn describe_members_rules() {
    assert_eq!(
        assignment_text(&[("payments".into(), 3), ("orders".into(), 10), ("orders".into(), 2)]),
        "orders:2,10;payments:3"
    );
    assert_eq!(assignment_text(&[]), "-");
    let mut consumer = member("c-1", Some("static-1"), &[("t", 0)]);
    consumer.current_epoch = Some(5);
    consumer.target_assignment = vec![("t".into(), 0), ("t".into(), 1)];
    let g = GroupMembers {
        group: "g".into(),
        state: GroupState::Stable,
        members: vec![consumer, member("c-2", None, &[])],
        target_epoch: Some(6),
    };
    assert_eq!(
        describe_members(&[g], true).stdout(),
        "\nGROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID        #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   \ng               c-1             static-1          /127.0.0.1      console-consumer 1               5               t:0                  6               t:0,1               \ng               c-2                               /127.0.0.1      console-consumer 0               -               -                    6               -                   \n"
    );
    let empty = GroupMembers { group: "e".into(), state: GroupState::Empty, members: vec![], target_epoch: None };
    let o = describe_members(&[empty], false);
    assert_eq!(o.stderr(), "\nConsumer group 'e' has no active members.\n");
    assert_eq!(o.stdout(), "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n");
}

// `ConsumerGroupService.printStates` (exact): `%-Gs %-Ks %-20s %-20s %s`
#[test]
fn describe_state_examples() {
    let coord = Coordinator { host: "localhost".into(), port: 9092, id: 1 };
    let stable = GroupStateRow {
        group: "my-group".into(),
        coordinator: coord.clone(),
        assignment_strategy: "range".into(),
        state: GroupState::Stable,
        members: 1,
        group_epoch: None,
        target_assignment_epoch: None,
    };
    assert_eq!(
        describe_state(std::slice::from_ref(&stable), false).stdout(),
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\nmy-group        localhost:9092  (1)       range                Stable               1\n"
    );
    assert_eq!(
        describe_state(&[stable], true).stdout(),
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                GROUP-EPOCH     TARGET-ASSIGNMENT-EPOCH   #MEMBERS\nmy-group        localhost:9092  (1)       range                Stable               -               -                         1\n"
    );
    let empty = GroupStateRow {
        group: "my-group".into(),
        coordinator: coord.clone(),
        assignment_strategy: String::new(),
        state: GroupState::Empty,
        members: 0,
        group_epoch: None,
        target_assignment_epoch: None,
    };
    let o = describe_state(&[empty], false);
    assert_eq!(
        o.stdout(),
        "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\nmy-group        localhost:9092  (1)       -                    Empty                0\n"
    );
    assert_eq!(o.stderr(), "\nConsumer group 'my-group' has no active members.\n");
    // each column is sized by its own text
    let long = GroupStateRow {
        group: "a-group-with-a-long-name".into(),
        coordinator: Coordinator { host: "broker-number-one.example.com".into(), port: 9092, id: 1 },
        assignment_strategy: "uniform".into(),
        state: GroupState::Stable,
        members: 2,
        group_epoch: Some(3),
        target_assignment_epoch: Some(3),
    };
    let out = describe_state(&[long], false).stdout();
    assert!(
        out.contains("\na-group-with-a-long-name broker-number-one.example.com:9092  (1) uniform              Stable               2\n"),
        "{out}"
    );
}

// `GroupOffsetsResetter.printOffsetsToReset` (exact): `%n%-Gs %-Ts %-10s %s`, G and T at least 15
#[test]
fn reset_offsets_layouts() {
    let rows: Vec<ResetRow> = [2, 0, 1]
        .iter()
        .map(|p| ResetRow { group: "my-group".into(), topic: "orders".into(), partition: *p, new_offset: 0 })
        .collect();
    let groups = vec!["my-group".to_string()];
    assert_eq!(
        reset_table(&groups, &rows).stdout(),
        "\nGROUP           TOPIC           PARTITION  NEW-OFFSET\nmy-group        orders          0          0\nmy-group        orders          1          0\nmy-group        orders          2          0\n"
    );
    let long = vec![ResetRow {
        group: "a-rather-long-group".into(),
        topic: "a-rather-long-topic-name".into(),
        partition: 10,
        new_offset: 12345,
    }];
    assert_eq!(
        reset_table(&["a-rather-long-group".to_string()], &long).stdout(),
        "\nGROUP               TOPIC                    PARTITION  NEW-OFFSET\na-rather-long-group a-rather-long-topic-name 10         12345\n"
    );
    // a group without rows still sizes the table; no group at all prints only the newline
    assert_eq!(
        reset_table(&["an-active-group-name".to_string()], &[]).stdout(),
        "\nGROUP                TOPIC           PARTITION  NEW-OFFSET\n"
    );
    assert_eq!(reset_table(&[], &[]).stdout(), "\n");
    assert_eq!(reset_csv(&rows, false).stdout(), "orders,0,0\norders,1,0\norders,2,0\n\n");
    assert_eq!(reset_csv(&rows[..1], true).stdout(), "my-group,orders,2,0\n\n");
    let o = reset_group_not_inactive("my-group", GroupState::Stable);
    assert_eq!(
        o.stdout(),
        "\nError: Assignments can only be reset if the group 'my-group' is inactive, but the current state is Stable.\n"
    );
    assert_eq!(
        cannot_shift("orders", 1),
        "Cannot shift offset for partition orders-1 since there is no current committed offset"
    );
    assert_eq!(
        empty_partition_warning("orders", 1),
        "\nWarn: Partition 1 from topic orders is empty. Falling back to latest known offset.\n"
    );
    assert_eq!(
        offset_clamped_high("T", 100, "orders", 0, 7),
        "[T] WARN New offset (100) is higher than latest offset for topic partition orders-0. Value will be set to 7. (org.apache.kafka.tools.GroupOffsetsResetter)"
    );
    assert_eq!(
        offset_clamped_low("T", -3, "orders", 0, 2),
        "[T] WARN New offset (-3) is lower than earliest offset for topic partition orders-0. Value will be set to 2. (org.apache.kafka.tools.GroupOffsetsResetter)"
    );
    // The WARN of a reset without --execute is an option check's (`opts::tests::groups_reset_warning`).
}

// `ConsumerGroupService.deleteGroups`
#[test]
fn delete_groups_layouts() {
    assert_eq!(
        delete_groups(&[("g1".into(), None)]).stdout(),
        "Deletion of requested consumer groups ('g1') was successful.\n"
    );
    assert_eq!(
        delete_groups(&[("g2".into(), None), ("g1".into(), None)]).stdout(),
        "Deletion of requested consumer groups ('g1', 'g2') was successful.\n"
    );
    assert_eq!(
        delete_groups(&[("my-group".into(), Some(DeleteGroupError::NotEmpty))]).stdout(),
        "\nError: Deletion of some consumer groups failed:\n* Group 'my-group' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n"
    );
    let o = delete_groups(&[("a".into(), Some(DeleteGroupError::NotFound)), ("b".into(), None), ("c".into(), None)]);
    assert_eq!(
        o.stdout(),
        "\nError: Deletion of some consumer groups failed:\n* Group 'a' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n\nThese consumer groups were deleted successfully: 'b', 'c'\n"
    );
    assert_eq!(o.exit_code, 0);
}

// `ConsumerGroupService.deleteOffsets` (exact): `%n%-Ts %-10s %-15s`, T at least 15
#[test]
fn delete_offsets_layouts() {
    let rows: Vec<DeleteOffsetsRow> =
        [0, 10, 2].iter().map(|p| DeleteOffsetsRow { topic: "orders".into(), partition: *p, error: None }).collect();
    // rows sorted by `topic + partition` as text: orders0, orders10, orders2
    assert_eq!(
        delete_offsets("my-group", DeleteOffsetsResult::Success, &rows).stdout(),
        "Request succeeded for deleting offsets from group my-group.\n\nTOPIC           PARTITION  STATUS         \norders          0          Successful     \norders          10         Successful     \norders          2          Successful     \n"
    );
    let not_found = DeleteOffsetsRow {
        topic: "t".into(),
        partition: 0,
        error: Some("org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.".into()),
    };
    assert_eq!(
        delete_offsets("g", DeleteOffsetsResult::GroupNotFound, &[not_found]).stdout(),
        "\nError: The group id does not exist.\n\nTOPIC           PARTITION  STATUS         \nt               0          Error: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n"
    );
    let o = delete_offsets("g", DeleteOffsetsResult::GroupNotEmpty, &[]);
    assert_eq!(o.stdout(), "\nError: The group is not empty.\n\nTOPIC           PARTITION  STATUS         \n");
    let unknown_topic = DeleteOffsetsRow {
        topic: "a-topic-that-is-not-there".into(),
        partition: -1,
        error: Some(
            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition."
                .into(),
        ),
    };
    let o = delete_offsets("g", DeleteOffsetsResult::PartitionErrors, &[unknown_topic]);
    assert_eq!(
        o.stdout(),
        "\nError: Encountered some partition-level error, see the follow-up details.\n\nTOPIC                     PARTITION  STATUS         \na-topic-that-is-not-there -          Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n"
    );
}
