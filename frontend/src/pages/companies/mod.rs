//! Companies: the list, a company's page, and the form both use.

mod detail;
mod form;
mod list;

pub use detail::CompanyDetail;
pub use list::CompanyList;
