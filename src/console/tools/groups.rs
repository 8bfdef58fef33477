//! `kafka-groups` (`GroupsCommand`, KIP-1043): `--list` lists the groups of every type the
//! brokers know (`Admin.listGroups`), as `GROUP TYPE PROTOCOL`, filtered by `--group-type`,
//! `--protocol`, `--consumer`, `--share` or `--streams` (`GroupsService.combinedFilter`).
//! Errors while listing print `Error while executing groups command : <message>` on stdout and
//! exit 1.

use super::{consumer_groups::list_all_groups, AdminConn, Ctx, Started};
use crate::console::format::groups::list_all_types;
use crate::console::opts::{parse_command, Tool};

pub(crate) fn run(ctx: &mut Ctx, args: &[String]) -> Started {
    let parsed = match parse_command(Tool::Groups, args) {
        Ok(p) => p,
        Err(o) => return Started::Done(o),
    };
    let p = &parsed.opts;
    let mut out = parsed.notes.clone();
    let servers = p.value("bootstrap-server").unwrap_or("").to_string();
    if let Some(path) = p.value("command-config") {
        if let Err(m) = super::load_props(ctx, path) {
            out.outln(&format!("Error while executing groups command : {m}"));
            out.exit_code = 1;
            return Started::Done(out);
        }
    }
    let mut admin = AdminConn::open(ctx.sim, &servers);
    // `listGroups().all().get(30L, TimeUnit.SECONDS)`.
    admin.timeout_ms = Some(30_000);
    let listed = list_all_groups(ctx, &admin, "listGroups");
    admin.close(ctx.sim);
    match listed {
        Ok(groups) => {
            let filter = Filter {
                group_type: p.value("group-type").map(str::to_ascii_lowercase),
                protocol: p.value("protocol").map(str::to_string),
                consumer: p.has("consumer"),
                share: p.has("share"),
                streams: p.has("streams"),
            };
            let rows: Vec<(String, String, String)> = groups
                .into_iter()
                .filter(|(_, protocol, _, ty)| filter.keeps(ty, protocol))
                .map(|(id, protocol, _, ty)| (id, type_name(&ty).to_string(), protocol))
                .collect();
            out.append(&list_all_types(&rows));
        }
        Err(e) => {
            // `printException`: the message on stdout, the stack trace logged at ERROR.
            let (message, trace) = match e {
                Ok(code) => {
                    let m = code.java_string(None);
                    (m.clone(), crate::console::format::stack_trace("java.util.concurrent.ExecutionException", &m))
                }
                // The future's get(30 s) gives up first: a java.util.concurrent.TimeoutException
                // without a message.
                Err(_) => ("null".to_string(), "java.util.concurrent.TimeoutException\n\tat ...\n".to_string()),
            };
            out.outln(&format!("Error while executing groups command : {message}"));
            let ts = super::now_ts(ctx.sim);
            out.errln(&format!("[{ts}] ERROR {trace} (org.apache.kafka.tools.GroupsCommand)"));
            out.exit_code = 1;
        }
    }
    Started::Done(out)
}

/// `GroupType.toString` of a ListGroups group type (`classic`, `consumer`, `share`, `streams`).
fn type_name(ty: &str) -> &'static str {
    match ty {
        "consumer" => "Consumer",
        "classic" => "Classic",
        "share" => "Share",
        "streams" => "Streams",
        _ => "",
    }
}

/// `GroupsService.combinedFilter`.
struct Filter {
    group_type: Option<String>,
    protocol: Option<String>,
    consumer: bool,
    share: bool,
    streams: bool,
}

impl Filter {
    fn keeps(&self, ty: &str, protocol: &str) -> bool {
        if let Some(t) = &self.group_type {
            return ty == t && self.protocol.as_deref().is_none_or(|p| p == protocol);
        }
        if let Some(p) = &self.protocol {
            return protocol == p;
        }
        if self.consumer {
            return protocol == "consumer" || protocol.is_empty() || ty == "consumer";
        }
        if self.share {
            return ty == "share";
        }
        if self.streams {
            return ty == "streams";
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(group_type: Option<&str>, protocol: Option<&str>, consumer: bool, share: bool) -> Filter {
        Filter {
            group_type: group_type.map(str::to_string),
            protocol: protocol.map(str::to_string),
            consumer,
            share,
            streams: false,
        }
    }

    // GroupsService.combinedFilter: --group-type with --protocol both apply; --protocol alone
    // compares the protocol type; --consumer takes consumer groups and classic groups whose
    // protocol type is "consumer" or empty; --share only share groups.
    #[test]
    fn the_filters_follow_groups_command() {
        assert!(f(None, None, false, false).keeps("share", "share"));
        assert!(f(Some("classic"), None, false, false).keeps("classic", ""));
        assert!(!f(Some("classic"), None, false, false).keeps("consumer", "consumer"));
        assert!(!f(Some("classic"), Some("consumer"), false, false).keeps("classic", ""));
        assert!(f(None, Some("consumer"), false, false).keeps("consumer", "consumer"));
        assert!(!f(None, Some("consumer"), false, false).keeps("share", "share"));
        assert!(f(None, None, true, false).keeps("classic", ""));
        assert!(f(None, None, true, false).keeps("classic", "consumer"));
        assert!(!f(None, None, true, false).keeps("classic", "connect"));
        assert!(!f(None, None, true, false).keeps("share", "share"));
        assert!(f(None, None, false, true).keeps("share", "share"));
        assert!(!f(None, None, false, true).keeps("consumer", "consumer"));
    }
}
