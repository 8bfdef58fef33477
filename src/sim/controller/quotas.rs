//! `AlterClientQuotas` on the active controller (`ClientQuotaControlManager.alterClientQuotas`):
//! each value checked, then one `ClientQuotaRecord` per change; setting a quota to its
//! current value or removing one that is not set writes nothing.

use super::*;
use crate::sim::config::java::double_to_string;
use crate::sim::errors::{ApiError, KafkaError};
use crate::sim::quota::{validate_quota_value, QuotaEntity, QuotaName};

impl ControllerStep<'_> {
    pub(super) fn alter_client_quotas(&mut self, reply: ReplyTo, entity: QuotaEntity, ops: Vec<(String, Option<u64>)>) {
        let answer = |e: Option<ApiError>| Response::Controller(ControllerResponse::AlterClientQuotas(e));
        // validateEntity
        let empty = |n: &Option<QuotaName>| matches!(n, Some(QuotaName::Named(s)) if s.is_empty());
        if entity.user.is_none() && entity.client_id.is_none() {
            let e = ApiError::with(KafkaError::INVALID_REQUEST, "Invalid empty client quota entity");
            self.out.reply(reply, answer(Some(e)));
            return;
        }
        if empty(&entity.user) || empty(&entity.client_id) {
            let ty = if empty(&entity.user) { "user" } else { "client-id" };
            let e = ApiError::with(KafkaError::INVALID_REQUEST, format!("Empty {ty} not supported"));
            self.out.reply(reply, answer(Some(e)));
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &ops {
            if seen.contains(&k.as_str()) {
                let e = ApiError::with(
                    KafkaError::INVALID_REQUEST,
                    format!("Duplicate quota key {k} not updating quota for this entity"),
                );
                self.out.reply(reply, answer(Some(e)));
                return;
            }
            seen.push(k);
        }
        let current = self.proc.image.client_quotas.get(&entity).cloned().unwrap_or_default();
        let mut records = Vec::new();
        for (key, value) in &ops {
            match value {
                None => {
                    if current.contains_key(key) {
                        records.push((key.clone(), None));
                    }
                }
                Some(bits) => {
                    if let Err(e) = validate_quota_value(key, f64::from_bits(*bits)) {
                        self.out.reply(reply, answer(Some(e)));
                        return;
                    }
                    if current.get(key) != Some(bits) {
                        records.push((key.clone(), Some(*bits)));
                    }
                }
            }
        }
        let mut last = None;
        for (key, value) in records {
            let off = self.append(MetadataRecord::ClientQuota { entity: entity.clone(), key: key.clone(), value });
            self.trace_after(
                off,
                TraceKind::ConfigChanged {
                    resource: format!("client quota ({})", entity.describe()),
                    name: key,
                    value: value.map(|b| double_to_string(f64::from_bits(b))),
                },
            );
            last = Some(off);
        }
        self.respond_after_last(last, reply, answer(None));
    }
}
