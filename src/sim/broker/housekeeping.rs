//! Periodic broker work: retention (`log.retention.check.interval.ms`), the log cleaner
//! (`log.cleaner.backoff.ms`) and flushing (`flush.ms`, `flush.messages`).

use super::*;
use crate::sim::config::TopicConfig;
use crate::sim::record::RecordBatch;
use crate::sim::remote::{RemoteOp, RemoteSegment};

impl BrokerStep<'_> {
    /// Deletes old segments on every hosted log (`UnifiedLog.deleteOldSegments`).
    pub(crate) fn run_retention(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        let tps: Vec<TopicPartition> = self.disk.logs.keys().cloned().collect();
        for tp in tps {
            let cfg = self.proc.config(&tp.topic);
            // Tiered storage: local segments go once copied (`highestOffsetInRemoteStorage`).
            let tiered = (self.env.settings.remote_log_storage_system_enable && cfg.remote_storage_enable)
                .then(|| self.env.remote.highest_offset(&tp));
            let Some(log) = self.disk.logs.get_mut(&tp) else { continue };
            if tiered.is_some() {
                // The whole log's start (`logStartOffset`, moved by `RLMExpirationTask`)
                // truncates the epoch cache (`maybeIncrementLogStartOffset`).
                if let Some(start) = self.env.remote.start_offset(&tp) {
                    let start = start.min(log.log_start_offset);
                    if log.epochs.entries().first().is_some_and(|e| e.start_offset < start) {
                        log.epochs.truncate_from_start(start);
                        log.version += 1;
                    }
                    log.aborted.retain(|a| a.last_offset >= start);
                }
            }
            if let Some((start, reason)) = log.delete_old_segments(now_ms, &cfg, tiered) {
                self.out.touch(&tp);
                self.out.trace(TraceKind::SegmentsDeleted {
                    tp,
                    broker: self.proc.id,
                    log_start_offset: start,
                    reason: reason.to_string(),
                });
            }
        }
    }

    /// Compacts logs whose topics use `cleanup.policy=compact` (`LogCleaner`).
    pub(crate) fn run_cleaner(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        let tps: Vec<TopicPartition> = self.disk.logs.keys().cloned().collect();
        for tp in tps {
            let cfg = self.proc.config(&tp.topic);
            if !cfg.cleanup_compact {
                continue;
            }
            let Some(log) = self.disk.logs.get_mut(&tp) else { continue };
            if let Some(removed) = log.clean(now_ms, &cfg, false) {
                self.out.touch(&tp);
                self.out.trace(TraceKind::LogCleaned { tp, broker: self.proc.id, removed });
            }
        }
    }

    /// Whether `topic` is tiered: `remote.storage.enable` on a cluster with
    /// `remote.log.storage.system.enable` (`UnifiedLog.remoteLogEnabled`).
    pub(crate) fn tiered(&self, topic: &str) -> bool {
        self.env.settings.remote_log_storage_system_enable && self.proc.config(topic).remote_storage_enable
    }

    /// `RemoteLogManager`'s tasks for every partition this broker leads (followers run none:
    /// they learn what was copied from the remote log metadata, here the shared store):
    /// `RLMCopyTask.copyLogSegmentsToRemote`, then `RLMExpirationTask.cleanupExpiredRemoteLogSegments`.
    pub(crate) fn run_remote_log_manager(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        let led: Vec<TopicPartition> = self
            .proc
            .replicas
            .iter()
            .filter(|(tp, r)| r.is_leader() && self.disk.logs.contains_key(*tp))
            .map(|(tp, _)| tp.clone())
            .collect();
        for tp in led {
            let cfg = self.proc.config(&tp.topic);
            if !self.tiered(&tp.topic) {
                continue;
            }
            self.copy_to_remote(&tp);
            self.expire_remote(&tp, &cfg, now_ms);
        }
    }

    /// `RLMCopyTask.copyLogSegmentsToRemote`: every rolled segment after the highest copied
    /// offset whose records all lie below the last stable offset (`candidateLogSegments`: a
    /// segment is a candidate when the next one starts at or below the LSO; the active segment
    /// never is). A segment that starts below the highest copied offset (a new leader's
    /// segments need not line up with the old leader's) is copied from the offset after it.
    fn copy_to_remote(&mut self, tp: &TopicPartition) {
        let Some(log) = self.disk.logs.get(tp) else { return };
        let lso = log.last_stable_offset();
        let mut highest = self.env.remote.highest_offset(tp);
        let mut copies = Vec::new();
        for pair in log.segments.windows(2) {
            let (seg, next) = (&pair[0], &pair[1]);
            if next.base_offset > lso {
                break;
            }
            if next.base_offset - 1 <= highest || seg.batches.is_empty() {
                continue;
            }
            let from = highest + 1;
            let batches: Vec<Rc<RecordBatch>> = seg
                .batches
                .iter()
                .filter_map(|b| {
                    if b.last_offset < from {
                        None
                    } else if b.base_offset < from {
                        b.suffix_from(from).map(Rc::new)
                    } else {
                        Some(b.clone())
                    }
                })
                .collect();
            let (Some(first), Some(last)) = (batches.first(), batches.last()) else { continue };
            let segment = RemoteSegment {
                base_offset: first.base_offset.max(from),
                end_offset: next.base_offset - 1,
                size_bytes: batches.iter().map(|b| u64::from(b.size_bytes)).sum(),
                max_timestamp: batches.iter().map(|b| b.max_timestamp).max().unwrap_or(-1),
                broker: self.proc.id,
                batches: batches.clone(),
            };
            debug_assert!(last.last_offset <= segment.end_offset);
            highest = segment.end_offset;
            copies.push(segment);
        }
        if copies.is_empty() {
            return;
        }
        if self.env.remote.down {
            // `copyLogSegment` fails with a RemoteStorageException: nothing is copied, the
            // task runs again on its next interval.
            self.out.trace(TraceKind::RemoteCopyFailed { tp: tp.clone(), broker: self.proc.id });
            return;
        }
        for seg in copies {
            self.out.trace(TraceKind::SegmentCopied {
                tp: tp.clone(),
                broker: self.proc.id,
                base_offset: seg.base_offset,
                end_offset: seg.end_offset,
            });
            self.out.remote.push(RemoteOp::Copy(tp.clone(), seg));
        }
    }

    /// `RLMExpirationTask.cleanupExpiredRemoteLogSegments`: remote segments past `retention.ms`
    /// (by their largest timestamp) or beyond `retention.bytes` (the remote bytes plus the
    /// local bytes not yet copied, `onlyLocalLogSegmentsSize`), oldest first; the log start
    /// offset moves to the first segment kept.
    fn expire_remote(&mut self, tp: &TopicPartition, cfg: &TopicConfig, now_ms: i64) {
        let segs = self.env.remote.segments(tp);
        if segs.is_empty() || self.env.remote.down {
            return;
        }
        let highest = self.env.remote.highest_offset(tp);
        let local_only: i64 = self
            .disk
            .logs
            .get(tp)
            .map(|l| l.segments.iter().filter(|s| s.base_offset > highest).map(|s| s.size_bytes as i64).sum())
            .unwrap_or(0);
        let mut n = 0;
        let mut reason = "";
        if cfg.retention_ms >= 0 {
            n = segs.iter().take_while(|s| now_ms - s.max_timestamp > cfg.retention_ms).count();
            if n > 0 {
                reason = "retention.ms";
            }
        }
        if cfg.retention_bytes >= 0 {
            let mut total = local_only + segs.iter().map(|s| s.size_bytes as i64).sum::<i64>();
            let mut by_size = 0;
            for s in segs {
                if total - s.size_bytes as i64 >= cfg.retention_bytes {
                    total -= s.size_bytes as i64;
                    by_size += 1;
                } else {
                    break;
                }
            }
            if by_size > n {
                n = by_size;
                reason = "retention.bytes";
            }
        }
        if n == 0 {
            return;
        }
        let new_start = segs.get(n).map(|s| s.base_offset).unwrap_or(highest + 1);
        let local_start = self.disk.logs.get(tp).map(|l| l.log_start_offset).unwrap_or(new_start);
        self.out.remote.push(RemoteOp::DeleteBelow(tp.clone(), new_start));
        self.out.trace(TraceKind::RemoteSegmentsDeleted {
            tp: tp.clone(),
            broker: self.proc.id,
            log_start_offset: new_start.min(local_start),
            reason: reason.to_string(),
        });
    }

    /// fsyncs logs whose `flush.ms` has passed.
    pub(crate) fn run_flush(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        for (tp, log) in self.disk.logs.iter_mut() {
            let cfg = self.proc.topic_configs.get(&tp.topic).cloned().unwrap_or_default();
            if now_ms - log.last_flush_ms >= cfg.flush_ms
                || log.log_end_offset - log.recovery_point >= cfg.flush_messages
            {
                log.flush(now_ms);
            }
        }
    }
}
