//! The `similar_text` layer on a `Dataset`: campaign copies with edits (Chinese one-character edits
//! included) posted by a set of accounts become one target; reposts and very short texts are
//! excluded and counted; the trace is sorted as the windowed kernel expects.

#[path = "similar_gen.rs"]
mod similar_gen;

use lockstep_engine::Layer;
use lockstep_engine::text::{SimilarParams, similar_text_groups, similar_text_trace};
use lockstep_model::{DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo};

fn source(b: &mut DatasetBuilder) -> u16 {
    b.add_source(SourceInfo::new("synthetic", "test", Resolution::Second))
}

#[test]
fn campaign_copies_become_one_target() {
    let campaign_zh = [
        "我们坚决支持香港警察依法执法，严惩暴徒，维护香港的繁荣稳定！#香港",
        "我们坚决支持香港警方依法执法，严惩暴徒，维护香港的繁荣稳定！#香港",
        "转发：我们坚决支持香港警察依法执法，严惩暴徒，维护香港繁荣稳定 #止暴制乱",
        "我们坚决支持香港警察依法执法，严惩暴徒，维护香港的繁荣稳定！！🇨🇳 https://t.co/x1",
    ];
    let campaign_en = [
        "The rioters in Hong Kong are paid by foreign forces, the media will never tell you #HongKong",
        "BREAKING: the rioters in Hong Kong are paid by foreign forces, the media will never tell you!! 😡",
        "The rioters in Hong Kong are paid by foreign forces, the media will never tell you #StandWithHK",
        "The rіoters in Hong Kong are paid by foreign forces, the MEDIA will never tell you @someone",
    ];
    let mut b = DatasetBuilder::new();
    let src = source(&mut b);
    let mut id = 0u64;
    let mut post = |b: &mut DatasetBuilder, acc: &str, t: i64, text: &str, kind: PostKind| {
        id += 1;
        let ext = id.to_string();
        b.push_post(
            &PostRecord {
                external_id: &ext,
                account: acc,
                time: t,
                kind: Some(kind),
                text,
                ..Default::default()
            },
            src,
        );
    };
    for (i, t) in campaign_zh.iter().enumerate() {
        post(
            &mut b,
            &format!("zh{i}"),
            1000 + i as i64 * 30,
            t,
            PostKind::Original,
        );
    }
    for (i, t) in campaign_en.iter().enumerate() {
        post(
            &mut b,
            &format!("en{i}"),
            5000 - i as i64 * 20,
            t,
            PostKind::Reply,
        );
    }
    // Background: unrelated posts, very short posts and reposts of a campaign text.
    let c = similar_gen::corpus(400, 0.0, 2, 99);
    for (i, t) in c.texts.iter().enumerate() {
        post(
            &mut b,
            &format!("bg{}", i % 50),
            10_000 + i as i64,
            t,
            PostKind::Original,
        );
    }
    post(&mut b, "short1", 1, "good morning", PostKind::Original);
    post(&mut b, "short2", 2, "Good morning!", PostKind::Original);
    for i in 0..5 {
        post(
            &mut b,
            &format!("rt{i}"),
            1100,
            campaign_zh[0],
            PostKind::Repost,
        );
    }
    let ds = b.finish();

    let p = SimilarParams::default();
    let (trace, report) = similar_text_trace(&ds, &p);
    println!("{report:#?}");
    assert_eq!(trace.layer, Some(Layer::SimilarText));
    assert_eq!(report.reposts_excluded, 5);
    assert!(report.short_excluded >= 2);
    assert_eq!(
        report.posts,
        report.reposts_excluded
            + report.empty_excluded
            + report.short_excluded
            + report.posts_considered
    );
    assert!(
        trace.events.windows(2).all(|w| w[0] <= w[1]),
        "sorted by (target, time, account)"
    );
    assert_eq!(trace.n_targets as u64, report.groups);
    assert!(trace.events.iter().all(|e| e.target < trace.n_targets));

    let (post_group, _) = similar_text_groups(&ds, &p);
    let zh: Vec<u32> = (0..4).map(|i| post_group[i]).collect();
    let en: Vec<u32> = (4..8).map(|i| post_group[i]).collect();
    assert!(
        zh.iter()
            .all(|&g| g == zh[0] && g != lockstep_engine::text::NO_GROUP),
        "{zh:?}"
    );
    assert!(
        en.iter()
            .all(|&g| g == en[0] && g != lockstep_engine::text::NO_GROUP),
        "{en:?}"
    );
    assert_ne!(zh[0], en[0]);
    // Reposts are not events; the campaign groups hold exactly the 4 + 4 campaign posts.
    let in_group = |g: u32| trace.events.iter().filter(|e| e.target == g).count();
    assert_eq!(in_group(zh[0]), 4);
    assert_eq!(in_group(en[0]), 4);
}

#[test]
fn empty_dataset_gives_empty_trace() {
    let ds = DatasetBuilder::new().finish();
    let (trace, report) = similar_text_trace(&ds, &SimilarParams::default());
    assert!(trace.events.is_empty());
    assert_eq!(trace.n_targets, 0);
    assert_eq!(report.posts, 0);
}
