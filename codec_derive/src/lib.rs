//! `#[derive(Codec)]` for Brokerlab's snapshot encoding (`brokerlab::sim::codec`).
//!
//! A struct is its fields in declaration order; an enum is its variant's index (a LEB128
//! integer) then that variant's fields. Nothing is named in the bytes, so the generated code is
//! a plain sequence of calls: far less WebAssembly than serde's visitors. Encoding destructures
//! the value without `..` and decoding builds it with every field named, so a field added to a
//! type is encoded, or the derive does not compile. `#[codec(skip)]` leaves a field out
//! (decoded as `Default::default()`).
use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::{parse_macro_input, parse_quote, Data, DeriveInput, Fields, GenericParam, Ident};

#[proc_macro_derive(Codec, attributes(codec))]
pub fn derive_codec(input: TokenStream) -> TokenStream {
    let mut input = parse_macro_input!(input as DeriveInput);
    for p in &mut input.generics.params {
        if let GenericParam::Type(t) = p {
            t.bounds.push(parse_quote!(crate::sim::codec::Codec));
        }
    }
    let name = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let (enc, dec) = match &input.data {
        Data::Struct(s) => {
            let (pat, enc, build) = fields(&s.fields);
            (quote! { let Self #pat = self; #enc }, quote! { Ok(Self #build) })
        }
        Data::Enum(e) => {
            let mut enc_arms = Vec::new();
            let mut dec_arms = Vec::new();
            for (i, v) in e.variants.iter().enumerate() {
                let i = i as u32;
                let vn = &v.ident;
                let (pat, enc, build) = fields(&v.fields);
                enc_arms.push(quote! { Self::#vn #pat => { crate::sim::codec::Codec::encode(&#i, w); #enc } });
                dec_arms.push(quote! { #i => Ok(Self::#vn #build), });
            }
            (
                quote! { match self { #(#enc_arms)* } },
                quote! {
                    match <u32 as crate::sim::codec::Codec>::decode(r)? {
                        #(#dec_arms)*
                        _ => Err(crate::sim::codec::DecodeError::BadTag),
                    }
                },
            )
        }
        Data::Union(_) => {
            return syn::Error::new(Span::call_site(), "Codec cannot be derived for a union").to_compile_error().into()
        }
    };
    quote! {
        impl #impl_g crate::sim::codec::Codec for #name #ty_g #where_c {
            fn encode(&self, w: &mut ::std::vec::Vec<u8>) { #enc }
            fn decode(r: &mut crate::sim::codec::Reader<'_>) -> ::std::result::Result<Self, crate::sim::codec::DecodeError> { #dec }
        }
    }
    .into()
}

fn skipped(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("codec") && a.parse_args::<Ident>().map(|i| i == "skip").unwrap_or(false)
    })
}

/// The destructuring pattern, the encoding statements and the decoding constructor of a
/// field list.
fn fields(f: &Fields) -> (Tokens, Tokens, Tokens) {
    let mut pat = Vec::new();
    let mut enc = Vec::new();
    let mut build = Vec::new();
    for (i, field) in f.iter().enumerate() {
        let skip = skipped(&field.attrs);
        let bind = format_ident!("f{}", i);
        let value = if skip {
            quote! { ::std::default::Default::default() }
        } else {
            enc.push(quote! { crate::sim::codec::Codec::encode(#bind, w); });
            quote! { crate::sim::codec::Codec::decode(r)? }
        };
        let bound = if skip { quote! { _ } } else { quote! { #bind } };
        match &field.ident {
            Some(id) => {
                pat.push(quote! { #id: #bound });
                build.push(quote! { #id: #value });
            }
            None => {
                pat.push(bound);
                build.push(value);
            }
        }
    }
    match f {
        Fields::Named(_) => (quote! { { #(#pat),* } }, quote! { #(#enc)* }, quote! { { #(#build),* } }),
        Fields::Unnamed(_) => (quote! { ( #(#pat),* ) }, quote! { #(#enc)* }, quote! { ( #(#build),* ) }),
        Fields::Unit => (quote! {}, quote! {}, quote! {}),
    }
}
