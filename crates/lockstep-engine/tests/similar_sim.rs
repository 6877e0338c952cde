//! The simulator's copy-paste campaigns (`lockstep-sim`: core narratives posted by many accounts
//! with 0-2 small edits each — punctuation, emoji, swapped hashtag, prefix, one-character Chinese
//! change) are recovered by the `similar_text` layer: a small simulated world, and for every
//! campaign the planted posts land in one near-duplicate group made of campaign posts.

use lockstep_engine::text::{
    NO_GROUP, SimilarParams, normalized, shingle_set, similar_text_groups,
};
use lockstep_model::{DatasetBuilder, PostKind, PostRecord, Resolution, SourceInfo};
use lockstep_sim::SimConfig;
use lockstep_sim::world::{PlannedKind, build};
use std::collections::HashMap;

#[test]
fn simulated_campaign_posts_are_grouped() {
    let mut cfg = SimConfig::preset("hk2019").expect("preset");
    cfg.accounts = 3_000;
    cfg.posts = 40_000;
    let world = build(&cfg);

    let mut b = DatasetBuilder::new();
    let src = b.add_source(SourceInfo::new("sim", "lockstep-sim", Resolution::Second));
    for p in &world.planned {
        let id = p.id.to_string();
        let account = format!("a{}", p.author);
        b.push_post(
            &PostRecord {
                external_id: &id,
                account: &account,
                time: p.ms / 1000,
                kind: Some(match p.kind {
                    PlannedKind::Original => PostKind::Original,
                    PlannedKind::Reply => PostKind::Reply,
                }),
                text: &p.text,
                ..Default::default()
            },
            src,
        );
    }
    let ds = b.finish();
    assert_eq!(
        ds.posts.len(),
        world.planned.len(),
        "planned ids are unique"
    );
    let params = SimilarParams::default();
    let (post_group, report) = similar_text_groups(&ds, &params);
    println!("{report:#?}");

    // Per campaign: its posts (long enough to take part) and their groups.
    let sp = params.shingle();
    let mut by_campaign: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in world.planned.iter().enumerate() {
        if let Some(c) = p.campaign
            && shingle_set(&normalized(&p.text), &sp).len() >= params.min_shingles
        {
            by_campaign.entry(c).or_default().push(i);
        }
    }
    // Posts per group, and campaign posts per group. The simulator draws campaign base texts from a
    // small bank of narratives, so several campaigns may share one group: purity is measured as
    // the share of a group's posts that are campaign posts at all.
    let mut group_posts: HashMap<u32, usize> = HashMap::new();
    let mut group_campaign_posts: HashMap<u32, usize> = HashMap::new();
    for (i, &g) in post_group.iter().enumerate() {
        if g != NO_GROUP {
            *group_posts.entry(g).or_default() += 1;
            if world.planned[i].campaign.is_some() {
                *group_campaign_posts.entry(g).or_default() += 1;
            }
        }
    }
    let (mut planted, mut recovered, mut zh_planted, mut zh_recovered) = (0, 0, 0, 0);
    let mut impure = 0;
    for (c, posts) in &by_campaign {
        if posts.len() < 3 {
            continue;
        }
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for &i in posts {
            if post_group[i] != NO_GROUP {
                *counts.entry(post_group[i]).or_default() += 1;
            }
        }
        let (best, n) = counts
            .iter()
            .max_by_key(|(_, n)| **n)
            .map_or((NO_GROUP, 0), |(g, n)| (*g, *n));
        planted += posts.len();
        recovered += n;
        let zh = world.planned[posts[0]].lang == "zh";
        if zh {
            zh_planted += posts.len();
            zh_recovered += n;
        }
        // The campaign's group holds (almost) only campaign posts, no organic chatter.
        if best != NO_GROUP
            && (group_campaign_posts[&best] as f64) < 0.9 * group_posts[&best] as f64
        {
            impure += 1;
            println!(
                "campaign {c}: group {best} has {} posts, {} of them campaign posts",
                group_posts[&best], group_campaign_posts[&best]
            );
        }
    }
    let share = recovered as f64 / planted.max(1) as f64;
    let zh_share = zh_recovered as f64 / zh_planted.max(1) as f64;
    println!(
        "campaigns: {} ({} posts); posts grouped with their campaign: {:.4} (Chinese campaigns {:.4}, {} posts); impure groups {}",
        by_campaign.len(),
        planted,
        share,
        zh_share,
        zh_planted,
        impure
    );
    assert!(
        planted >= 100 && zh_planted >= 30,
        "the world plants campaigns in both languages"
    );
    assert!(share >= 0.95, "campaign posts grouped: {share}");
    assert!(
        zh_share >= 0.95,
        "Chinese campaign posts grouped: {zh_share}"
    );
    assert_eq!(impure, 0);
}
