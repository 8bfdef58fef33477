//! Periodic broker work: retention (`log.retention.check.interval.ms`), the log cleaner
//! (`log.cleaner.backoff.ms`) and flushing (`flush.ms`, `flush.messages`).

use super::*;

impl BrokerStep<'_> {
    /// Deletes old segments on every hosted log (`UnifiedLog.deleteOldSegments`).
    pub(crate) fn run_retention(&mut self) {
        let now_ms = self.env.wall_ms(self.now);
        let tps: Vec<TopicPartition> = self.disk.logs.keys().cloned().collect();
        for tp in tps {
            let cfg = self.proc.config(&tp.topic);
            let Some(log) = self.disk.logs.get_mut(&tp) else { continue };
            if let Some((start, reason)) = log.delete_old_segments(now_ms, &cfg) {
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
