//! Defaults a user sets once: flag > WHK_* environment variable > config file > built-in, as
//! `whk config` reports it and as trigger, sign and listen act on it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::support::{write_file, Listener, Sink, Whk};

const STRIPE_SECRET: &str = "whsec_config_file_stripe_secret";
const FINTOC_SECRET: &str = "whsec_config_file_fintoc_secret";

/// A `Whk` whose config directory holds `config.toml` with `text`.
fn with_config(text: &str) -> Whk {
    let whk = Whk::new();
    write_file(whk.config_dir(), "config.toml", text);
    whk
}

fn config_file(forward_to: &str) -> String {
    format!(
        "forward_to = \"{forward_to}\"\napi_version = \"2020-08-27\"\nprovider = \"fintoc\"\n\n[secrets]\nstripe = \"{STRIPE_SECRET}\"\nfintoc = \"{FINTOC_SECRET}\"\n"
    )
}

/// `whk config` as (setting → (value, source)).
fn shown(run: &crate::support::Run) -> Vec<(String, String, String)> {
    run.stdout()
        .lines()
        .skip(1)
        .map(|line| {
            let mut parts = line.trim().splitn(2, "  ");
            let name = parts.next().unwrap().to_string();
            let rest = parts.next().unwrap().trim_start();
            let (value, source) = rest.split_once("  ").unwrap();
            (name, value.trim().to_string(), source.trim().to_string())
        })
        .collect()
}

fn setting(rows: &[(String, String, String)], name: &str) -> (String, String) {
    let row = rows.iter().find(|r| r.0 == name).unwrap_or_else(|| panic!("{name} not shown: {rows:?}"));
    (row.1.clone(), row.2.clone())
}

fn stripe_signature_valid(header: &str, body: &[u8], secret: &str) -> bool {
    let Some((t, v1)) = header.split_once(",v1=") else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.", t.trim_start_matches("t=")).as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes()) == v1
}

#[test]
fn whk_config_shows_each_value_and_where_it_came_from_with_secrets_masked() {
    let run = Whk::new().args(["config"]).run().expect(0);
    assert!(run.stdout().contains("(not found"), "{}", run.stdout());
    let rows = shown(&run);
    assert_eq!(setting(&rows, "forward_to").0, "(none)");
    assert!(setting(&rows, "api_version").1.starts_with("built-in"));
    assert!(setting(&rows, "secrets.stripe").1.starts_with("built-in: the local secret"));

    let whk = with_config(&config_file("localhost:4242/webhook"));
    let path = whk.config_dir().join("config.toml");
    let file = format!("config file {}", path.display());
    let run = whk.args(["config"]).env("WHK_API_VERSION", "2024-06-20").env("WHK_FORWARD_TO", "").run().expect(0);
    let rows = shown(&run);
    assert_eq!(setting(&rows, "forward_to"), ("localhost:4242/webhook".into(), file.clone()), "empty env is unset");
    assert_eq!(setting(&rows, "api_version"), ("2024-06-20".into(), "env WHK_API_VERSION".into()));
    assert_eq!(setting(&rows, "provider"), ("fintoc".into(), file.clone()));
    assert_eq!(setting(&rows, "secrets.stripe"), ("whsec_conf…".into(), file.clone()));
    assert!(!run.stdout().contains(STRIPE_SECRET) && !run.stdout().contains(FINTOC_SECRET), "secrets are masked");

    let run =
        with_config(&config_file("4242")).args(["config"]).env("WHK_SECRET", "whsec_from_the_env").run().expect(0);
    for scheme in ["stripe", "fintoc", "standard"] {
        let (value, source) = setting(&shown(&run), &format!("secrets.{scheme}"));
        assert_eq!((value.as_str(), source.as_str()), ("whsec_from…", "env WHK_SECRET"), "WHK_SECRET beats the file");
    }
    assert!(!run.stdout().contains("whsec_from_the_env"));

    let whk = Whk::new();
    let expected = whk.config_dir().join("config.toml");
    assert_eq!(whk.args(["config", "--path"]).run().expect(0).stdout().trim(), expected.to_str().unwrap());
}

#[test]
fn trigger_sends_where_flag_then_env_then_file_says() {
    let (from_file, from_env, from_flag) = (Sink::start(200), Sink::start(200), Sink::start(200));
    let config = config_file(&from_file.url("/file"));
    let trigger = |extra: &[&str], env: Option<&str>| {
        let mut whk = with_config(&config).args(["trigger", "stripe:payout.failed"]).args(extra);
        if let Some(url) = env {
            whk = whk.env("WHK_FORWARD_TO", url);
        }
        whk.run().expect(0)
    };
    trigger(&[], None);
    trigger(&[], Some(&from_env.url("/env")));
    trigger(&["--forward-to", &from_flag.url("/flag")], Some(&from_env.url("/env")));
    assert_eq!(from_file.received().len(), 1);
    assert_eq!(from_env.received().len(), 1);
    assert_eq!(from_flag.received().len(), 1);

    // The file's API version and its Stripe secret apply; flag and env beat them.
    let got = &from_file.received()[0];
    assert_eq!(got.json()["api_version"], "2020-08-27");
    assert!(stripe_signature_valid(got.header("Stripe-Signature").unwrap(), &got.body, STRIPE_SECRET));
    let sink = Sink::start(200);
    with_config(&config)
        .args(["trigger", "stripe:payout.failed", "--forward-to", &sink.url("/"), "--api-version", "2023-10-16"])
        .env("WHK_API_VERSION", "2024-06-20")
        .env("WHK_SECRET", "whsec_env_secret")
        .run()
        .expect(0);
    with_config(&config)
        .args(["trigger", "stripe:payout.failed", "--forward-to", &sink.url("/")])
        .env("WHK_API_VERSION", "2024-06-20")
        .env("WHK_SECRET", "whsec_env_secret")
        .run()
        .expect(0);
    let got = sink.received();
    assert_eq!(got[0].json()["api_version"], "2023-10-16", "the flag wins");
    assert_eq!(got[1].json()["api_version"], "2024-06-20", "then the environment");
    assert!(stripe_signature_valid(got[1].header("Stripe-Signature").unwrap(), &got[1].body, "whsec_env_secret"));
}

#[test]
fn the_default_provider_settles_names_both_providers_have() {
    let sink = Sink::start(200);
    // Without a default the name is ambiguous, and the error says how to settle it.
    let run = Whk::new().args(["trigger", "payment_intent.succeeded", "--forward-to", &sink.url("/")]).run().expect(2);
    assert!(run.stderr().contains("pass --provider") && run.stderr().contains("WHK_PROVIDER"), "{}", run.stderr());
    with_config("provider = \"fintoc\"\n")
        .args(["trigger", "payment_intent.succeeded", "--forward-to", &sink.url("/")])
        .run()
        .expect(0);
    Whk::new()
        .args(["trigger", "payment_intent.succeeded", "--forward-to", &sink.url("/")])
        .env("WHK_PROVIDER", "stripe")
        .run()
        .expect(0);
    with_config("provider = \"fintoc\"\n")
        .args(["trigger", "payment_intent.succeeded", "--provider", "stripe", "--forward-to", &sink.url("/")])
        .env("WHK_PROVIDER", "fintoc")
        .run()
        .expect(0);
    let got = sink.received();
    assert!(got[0].header("Fintoc-Signature").is_some(), "the file's default");
    assert!(got[1].header("Stripe-Signature").is_some(), "the environment's default");
    assert!(got[2].header("Stripe-Signature").is_some(), "the flag beats both");

    let run = Whk::new().args(["trigger", "payment_intent.succeeded"]).env("WHK_PROVIDER", "paypal").run().expect(2);
    assert!(run.stderr().contains("unknown provider `paypal` (from env WHK_PROVIDER)"), "{}", run.stderr());
}

#[test]
fn sign_takes_its_scheme_and_secret_from_the_defaults() {
    let body = r#"{"id":"evt_1"}"#;
    let run =
        with_config(&config_file("4242")).args(["sign", "--timestamp", "1700000000", "-"]).stdin(body).run().expect(0);
    let out = run.stdout();
    let header = out.strip_prefix("Fintoc-Signature: ").unwrap_or_else(|| panic!("fintoc is the default: {out}"));
    let mut mac = Hmac::<Sha256>::new_from_slice(FINTOC_SECRET.as_bytes()).unwrap();
    mac.update(format!("1700000000.{body}").as_bytes());
    assert_eq!(header.trim(), format!("t=1700000000,v1={}", hex::encode(mac.finalize().into_bytes())));

    let run = Whk::new().args(["sign", "-"]).stdin(body).run().expect(2);
    assert!(run.stderr().contains("pass --provider stripe, fintoc or standard"), "{}", run.stderr());
}

#[test]
fn listen_also_accepts_the_config_files_provider_secrets() {
    let dir = tempfile::tempdir().unwrap();
    write_file(&dir.path().join("config"), "config.toml", &format!("[secrets]\nstripe = \"{STRIPE_SECRET}\"\n"));
    let listen = Listener::start_with(dir, &[]);
    // trigger signs with the file's Stripe secret; listen verifies it as a provider secret.
    listen.whk().args(["trigger", "stripe:payout.failed", "--forward-to", &listen.url()]).run().expect(0);
    let log = listen.wait_for_log("the event", |log| log.iter().any(|r| r["rec"] == "event"));
    let event = log.iter().find(|r| r["rec"] == "event").unwrap();
    assert_eq!(event["verified"], "provider-secret", "{event:#}");
}

#[test]
fn a_bad_config_file_is_a_usage_error_naming_file_and_line() {
    let whk = with_config("forward_to = \"4242\"\napi_version = 2020-08-27x\n");
    let path = whk.config_dir().join("config.toml");
    let run = whk.args(["trigger", "payout.failed"]).run().expect(2);
    assert!(run.stderr().contains(&format!("{}:2:", path.display())), "{}", run.stderr());

    let whk = with_config("\n[secrets]\nstrip = \"whsec_x\"\n");
    let path = whk.config_dir().join("config.toml");
    let run = whk.args(["config"]).run().expect(2);
    let expected = format!("{}:3:1: unknown field `strip`, expected one of `stripe`", path.display());
    assert!(run.stderr().contains(&expected), "{}", run.stderr());

    // Commands that read no settings still work, so a broken file can't block `whk completion`.
    with_config("nonsense").args(["events"]).run().expect(0);
}
