fn main() {
    let path = std::env::args().nth(1).unwrap();
    let width: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let md = std::fs::read_to_string(path).unwrap();
    let r = sofa_weekly::render::render(&md, width, &sofa_weekly::render::Theme::plain());
    for (i, l) in r.plain_lines().iter().enumerate() { println!("{:3} {:5} |{}|", i, r.line_offsets[i], l); }
    for l in sofa_weekly::render::link_list(&r.links, width, &sofa_weekly::render::Theme::plain()) { println!("{l}"); }
    println!("{:?}", r.headings);
}
