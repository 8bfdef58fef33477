//! Produce on the leader (`Partition.appendRecordsToLeader`): acks 0/1/all, min.insync.replicas with
//! NOT_ENOUGH_REPLICAS (nothing written) and NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, not
//! acknowledged), idempotent de-duplication, and the delayed-produce purgatory that answers
//! acks=all once the HW reaches the batch — or REQUEST_TIMED_OUT.

use super::*;
use crate::sim::errors::ApiError;
use crate::sim::protocol::ProduceBatch;

/// A produce waiting in purgatory for the HW to pass its batches.
/// One partition of a delayed produce: the offset the HW must reach, the result, and whether
/// it is already final.
pub(crate) type DelayedPart = (TopicPartition, Offset, Result<(Offset, i64), ApiError>, bool);

/// One producer id's markers in a WriteTxnMarkers answer: each partition and its error.
type MarkerResult = (i64, Vec<(TopicPartition, Option<KafkaError>)>);

#[derive(Clone, Debug, Serialize, Deserialize, Codec)]
pub(crate) struct DelayedProduce {
    pub from: NodeAddr,
    pub(crate) corr: u64,
    pub(crate) deadline: SimTime,
    /// Per partition: the offset the HW must reach, or an already-final result.
    pub parts: Vec<DelayedPart>,
    /// A WriteTxnMarkers waiting like an acks=all produce: each part's producer id, so that the
    /// answer is a WriteTxnMarkers one (`None` for a Produce).
    pub(crate) marker_producers: Option<Vec<i64>>,
}

impl BrokerStep<'_> {
    pub(crate) fn handle_produce(&mut self, reply: ReplyTo, acks: i16, timeout_ms: i64, batches: Vec<ProduceBatch>) {
        let now_ms = self.env.wall_ms(self.now);
        let mut parts = Vec::with_capacity(batches.len());
        for pb in batches {
            let tp = pb.tp.clone();
            // KafkaApis.handleProduceRequest: WRITE on the topic.
            if !self.allowed(
                reply.to,
                crate::sim::acl::AclOperation::Write,
                crate::sim::acl::ResourceType::Topic,
                &tp.topic,
            ) {
                parts.push((tp, 0, Err(KafkaError::TOPIC_AUTHORIZATION_FAILED.into()), true));
                continue;
            }
            let result = self.append_to_leader(&pb, acks, now_ms);
            match result {
                Ok((base, last, log_append_time)) => parts.push((tp, last + 1, Ok((base, log_append_time)), false)),
                Err(e) => parts.push((tp, 0, Err(e), true)),
            }
        }
        self.try_complete_delayed_fetches();
        // A single-replica ISR can move the HW at once.
        let tps: Vec<TopicPartition> = parts.iter().filter(|p| p.2.is_ok()).map(|p| p.0.clone()).collect();
        for tp in &tps {
            self.maybe_increment_hw(tp);
        }
        match acks {
            0 => {}
            1 => {
                let results = parts.into_iter().map(|(tp, _, r, _)| (tp, r)).collect();
                self.out.reply(reply, Response::Produce { results });
            }
            _ => self.park_until_replicated(reply, timeout_ms, parts, None),
        }
    }

    /// Puts an acks=all answer in purgatory until the HW passes every part (answered at once if
    /// it already has) or `timeout_ms` passes: a Produce's, or with `marker_producers` a
    /// WriteTxnMarkers'.
    pub(crate) fn park_until_replicated(
        &mut self,
        reply: ReplyTo,
        timeout_ms: i64,
        parts: Vec<DelayedPart>,
        marker_producers: Option<Vec<i64>>,
    ) {
        let id = self.proc.next_delayed;
        self.proc.next_delayed += 1;
        let deadline = self.now.plus_ms(timeout_ms.max(0));
        self.proc
            .delayed_produce
            .insert(id, DelayedProduce { from: reply.to, corr: reply.corr, deadline, parts, marker_producers });
        if !self.check_delayed_produce(id) {
            self.out.timer(deadline, BrokerTimer::DelayedProduce(id));
        }
    }

    /// Appends one batch as leader; returns (base offset, last offset, log append time).
    fn append_to_leader(
        &mut self,
        pb: &ProduceBatch,
        acks: i16,
        now_ms: i64,
    ) -> Result<(Offset, Offset, i64), ApiError> {
        let tp = &pb.tp;
        let Some(r) = self.proc.replicas.get(tp) else {
            let known = self.proc.image.partition(&tp.topic, tp.partition).is_some();
            return Err(ApiError::new(if known {
                KafkaError::NOT_LEADER_OR_FOLLOWER
            } else {
                KafkaError::UNKNOWN_TOPIC_OR_PARTITION
            }));
        };
        if !r.is_leader() {
            return Err(ApiError::new(KafkaError::NOT_LEADER_OR_FOLLOWER));
        }
        let min_isr = self.proc.effective_min_isr(tp, r);
        if acks == -1 && r.isr.len() < min_isr {
            // Rejected before the append: nothing is written (`Partition.appendRecordsToLeader`).
            // ReplicaManager answers without a custom message (LogAppendResult's
            // hasCustomErrorMessage is false): the client shows Errors.NOT_ENOUGH_REPLICAS' own.
            return Err(ApiError::new(KafkaError::NOT_ENOUGH_REPLICAS));
        }
        let epoch = r.leader_epoch;
        let cfg = self.proc.config(&tp.topic);
        let log = self.disk.logs.get_mut(tp).ok_or_else(|| ApiError::new(KafkaError::NOT_LEADER_OR_FOLLOWER))?;
        let (info, batch) = log.append_as_leader(pb, epoch, now_ms, &cfg)?;
        self.out.touch(tp);
        if info.rolled {
            self.out.trace(TraceKind::SegmentRolled {
                tp: tp.clone(),
                broker: self.proc.id,
                base_offset: info.base_offset,
            });
        }
        let _ = batch;
        Ok((info.base_offset, info.last_offset, if cfg.log_append_time { now_ms } else { -1 }))
    }

    /// Completes a delayed produce if every partition is done; returns whether it completed.
    fn check_delayed_produce(&mut self, id: u64) -> bool {
        let Some(dp) = self.proc.delayed_produce.get_mut(&id) else { return true };
        let mut all_done = true;
        for (tp, required, result, done) in dp.parts.iter_mut() {
            if *done {
                continue;
            }
            let Some(r) = self.proc.replicas.get(tp) else {
                *result = Err(ApiError::new(KafkaError::NOT_LEADER_OR_FOLLOWER));
                *done = true;
                continue;
            };
            if !r.is_leader() {
                *result = Err(ApiError::new(KafkaError::NOT_LEADER_OR_FOLLOWER));
                *done = true;
                continue;
            }
            let hw = self.disk.logs.get(tp).map(|l| l.high_watermark).unwrap_or(0);
            if hw >= *required {
                // `checkEnoughReplicasReachOffset`: HW reached, but is the ISR still big enough?
                let cfg_min = {
                    let c = self.proc.topic_configs.get(&tp.topic).map(|c| c.min_insync_replicas).unwrap_or(1).max(1)
                        as usize;
                    c.min(r.replicas.len().max(1))
                };
                if r.maximal_isr().len() < cfg_min {
                    *result = Err(ApiError::new(KafkaError::NOT_ENOUGH_REPLICAS_AFTER_APPEND));
                }
                *done = true;
            } else {
                all_done = false;
            }
        }
        if all_done {
            let dp = self.proc.delayed_produce.remove(&id).expect("present");
            match dp.marker_producers {
                None => {
                    let results = dp.parts.into_iter().map(|(tp, _, r, _)| (tp, r)).collect();
                    self.out.respond(dp.from, dp.corr, Response::Produce { results });
                }
                Some(pids) => {
                    // One entry per producer id, in the request's order.
                    let mut results: Vec<MarkerResult> = Vec::new();
                    for (pid, (tp, _, r, _)) in pids.into_iter().zip(dp.parts) {
                        let e = r.err().map(|e| e.error);
                        match results.iter_mut().find(|(p, _)| *p == pid) {
                            Some((_, v)) => v.push((tp, e)),
                            None => results.push((pid, vec![(tp, e)])),
                        }
                    }
                    self.out.respond(dp.from, dp.corr, Response::WriteTxnMarkers { results });
                }
            }
        }
        all_done
    }

    /// Re-checks the delayed produces waiting on `tp`.
    pub(crate) fn try_complete_delayed_produce(&mut self, tp: &TopicPartition) {
        let ids: Vec<u64> = self
            .proc
            .delayed_produce
            .iter()
            .filter(|(_, d)| d.parts.iter().any(|(t, _, _, done)| t == tp && !done))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.check_delayed_produce(id);
        }
    }

    /// Leadership moved away: waiting produces for `tp` fail with `error`.
    pub(crate) fn fail_delayed_produce_for(&mut self, tp: &TopicPartition, error: KafkaError) {
        let ids: Vec<u64> = self
            .proc
            .delayed_produce
            .iter()
            .filter(|(_, d)| d.parts.iter().any(|(t, ..)| t == tp))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            if let Some(dp) = self.proc.delayed_produce.get_mut(&id) {
                for (t, _, r, done) in dp.parts.iter_mut() {
                    if t == tp && !*done {
                        *r = Err(ApiError::new(error));
                        *done = true;
                    }
                }
            }
            self.check_delayed_produce(id);
        }
    }

    /// `request.timeout.ms` on the broker side: the HW never got there.
    pub(crate) fn expire_delayed_produce(&mut self, id: u64) {
        let Some(dp) = self.proc.delayed_produce.get_mut(&id) else { return };
        if dp.deadline > self.now {
            return;
        }
        for (_, _, r, done) in dp.parts.iter_mut() {
            if !*done {
                *r = Err(ApiError::new(KafkaError::REQUEST_TIMED_OUT));
                *done = true;
            }
        }
        self.check_delayed_produce(id);
    }
}
