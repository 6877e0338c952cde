//! Property tests: arbitrary bytes and truncated or garbled rows never panic any reader, and every
//! row-level error names a line that exists in the input.

use lockstep_ingest::{Format, IngestError, Mapping, ReadOptions, read_paths};
use proptest::prelude::*;
use std::path::PathBuf;

/// A small valid sample per format (header + two rows).
fn sample(f: Format) -> &'static str {
    match f {
        Format::ArchiveTweets => concat!(
            "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,retweet_userid,retweet_tweetid,latitude,longitude,quote_count,reply_count,like_count,retweet_count,hashtags,urls,user_mentions\n",
            "1163450063466205184,42,Name,handle,HK,bio,,10,20,2017-08-30,zh-cn,zh,RT hello #hk,2019-08-19 13:26,Twitter for Android,,,,True,7,1163450000000000000,absent,absent,0,0,0,0,['hk'],['http://x.com/a'],['7']\n",
            "1163450063466205185,43,N2,h2,,,,1,2,2017-09-01,en,en,\"quoted, text\",2019-08-19 13:26,Twitter Web App,,,,False,,,22.3,114.2,0,0,0,0,[],[],[]\n"
        ),
        Format::ArchiveUsers => {
            "userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,user_profile_url,follower_count,following_count,account_creation_date,account_language\n1,a,b,,,,1,2,2017-08-30,zh-cn\nvMm2=,x,y,,,,0,0,2018-01-01,en\n"
        }
        Format::Coortweet => {
            "object_id,account_id,content_id,timestamp_share\nab,cd,ef,1623881091.0\nab,cx,eg,1623881092.0\n"
        }
        Format::CoortweetMulti => {
            "account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\nfb_1,10,5,,7,,1629589836.0\nfb_1,10,,3,,9,1629589836.0\n"
        }
        Format::Ira538 => {
            "author_id,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,retweet\nbob,hi #x https://t.co/a,Unknown,English,2016-08-16 11:47:00,2016-08-16 11:49:00,1,2,3,,0\nbob,rt,Unknown,English,8/16/2016 11:48,8/16/2016 11:49,1,2,3,R,1\n"
        }
        Format::Crowdtangle => {
            "platformId,date,message,expanded,account_id,account_name,account_subscriberCount,account_accountType\n1_2,2018-11-05 12:40:02,hi,https://a.com/x,11,Page,5,facebook_page\n1_3,2018-11-05 12:41:02,,https://a.com/x,12,Group,7,facebook_group\n"
        }
        Format::TwitterV2 => {
            "{\"id\":\"1\",\"author_id\":\"2\",\"created_at\":\"2022-01-01T00:00:00.000Z\",\"text\":\"#a hi\",\"entities\":{\"hashtags\":[{\"tag\":\"a\"}]}}\n{\"data\":[{\"id\":\"3\",\"author_id\":\"4\",\"created_at\":\"2022-01-01T00:00:05Z\",\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"1\"}]}],\"includes\":{\"users\":[{\"id\":\"4\",\"username\":\"x\"}]}}\n"
        }
        Format::TwitterV2Users => {
            "[{\"id\":\"u1\",\"username\":\"a\",\"created_at\":\"2013-09-28 16:49:36+00:00\",\"public_metrics\":{\"followers_count\":1}},{\"id\":\"u2\",\"username\":\"b\"}]"
        }
        Format::RetweetEdges => "retweeted_id,user_id\n1,2\n1,3\n",
        Format::Logins => {
            "userid,login_time,ip,device\nu1,2021-01-01 10:00,10.0.0.1,android\nu2,2021-01-01T10:00:05Z,::1,ios\n"
        }
        Format::PageAdmins => {
            "page_id,page_name,page_kind,userid\np1,Page,page,u1\np2,Group,group,u2\n"
        }
        Format::Ads => {
            "ad_id,advertiser,payer,landing_url,ad_text,spend,currency,submitted_at,userid\n1,A,B,https://x.com,buy,10.5,USD,2021-01-01 10:00,u1\n2,A,B,https://x.com,buy,,USD,2021-01-01T10:00:00Z,\n"
        }
        Format::GenericCsv => "id,user,when,tags\n1,a,2021-01-01 10:00:00,x|y\n2,b,1609495200,\n",
        Format::GenericJsonl => {
            "{\"id\":1,\"user\":{\"id\":\"a\"},\"when\":\"2021-01-01T10:00:00Z\",\"tags\":[\"x\"]}\n{\"id\":2,\"user\":{\"id\":\"b\"},\"when\":1609495200}\n"
        }
        Format::Parquet => "PAR1garbage",
    }
}

fn mapping(f: Format) -> Option<Mapping> {
    let text = match f {
        Format::GenericCsv => {
            "list_separator='|'\n[columns]\npost_id='id'\naccount='user'\ntime='when'\nhashtags='tags'\n"
        }
        Format::GenericJsonl | Format::Parquet => {
            "[columns]\npost_id='id'\naccount='user.id'\ntime='when'\nhashtags='tags'\n"
        }
        _ => return None,
    };
    Mapping::from_toml_str(text).ok()
}

/// Reads `bytes` as format `f` (forced), naming the file so retweet edges find a date.
fn read(f: Format, bytes: &[u8], lenient: bool) -> (Result<usize, IngestError>, usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("retweets-2020-10-23.dat");
    std::fs::write(&path, bytes).expect("write");
    let opts = ReadOptions {
        format: Some(f),
        lenient,
        mapping: mapping(f),
        ..Default::default()
    };
    let lines = bytes.split(|&b| b == b'\n').count();
    (
        read_paths(&[path], &opts).map(|i| i.dataset.posts.len()),
        lines,
    )
}

fn check_line(
    f: Format,
    r: &Result<usize, IngestError>,
    lines: usize,
) -> Result<(), TestCaseError> {
    if let Err(IngestError::Input(e)) = r
        && f != Format::Parquet
    {
        prop_assert!(
            e.line >= 1 && e.line as usize <= lines,
            "{f}: error line {} of {lines}: {e}",
            e.line
        );
        prop_assert!(!e.field.is_empty());
    }
    Ok(())
}

#[test]
fn samples_are_valid() {
    for f in Format::ALL {
        if f == Format::Parquet {
            continue;
        }
        let (r, _) = read(f, sample(f).as_bytes(), false);
        assert!(r.is_ok(), "{f}: {:?}", r.err().map(|e| e.to_string()));
    }
}

fn any_format() -> impl Strategy<Value = Format> {
    proptest::sample::select(Format::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(f in any_format(), bytes in proptest::collection::vec(any::<u8>(), 0..400), lenient in any::<bool>()) {
        let (r, lines) = read(f, &bytes, lenient);
        check_line(f, &r, lines)?;
    }

    #[test]
    fn truncated_rows_never_panic(f in any_format(), cut in 0.0f64..1.0, lenient in any::<bool>()) {
        let s = sample(f).as_bytes();
        let n = (s.len() as f64 * cut) as usize;
        let (r, lines) = read(f, &s[..n], lenient);
        check_line(f, &r, lines)?;
    }

    #[test]
    fn garbled_rows_never_panic(
        f in any_format(),
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 1..6),
        lenient in any::<bool>(),
    ) {
        let mut s = sample(f).as_bytes().to_vec();
        for (pos, byte) in edits {
            let i = ((s.len() as f64) * pos) as usize;
            if i < s.len() { s[i] = byte; } else { s.push(byte); }
        }
        let (r, lines) = read(f, &s, lenient);
        check_line(f, &r, lines)?;
        if lenient {
            // Lenient mode only fails on a bad header or a broken container, never on a row.
            if let Err(IngestError::Input(e)) = &r {
                prop_assert!(e.line <= 1 || matches!(f, Format::TwitterV2Users | Format::Parquet), "{f}: {e}");
            }
        }
    }
}
